// The health commission (sources.md §5) as the hub sees it: API-key REST, three datasets.
import { loadConnectorSchema } from '../kit/config.ts';
import type { SourceDefinition } from '../kit/source-definition.ts';
import { createHealthConnector } from './connector.ts';
import type { HealthConnector } from './connector.ts';
import { normalizeHealth, recordIdOfHealth, updatedAtOfHealth } from './mapper.ts';
import { HEALTH_DATASETS, HEALTH_RAW } from './raw-records.ts';

export const health: SourceDefinition<HealthConnector> = {
  name: 'health',
  datasets: HEALTH_DATASETS,
  raw: HEALTH_RAW,
  configSchema: loadConnectorSchema('health'),
  createConnector: (config, deps) => createHealthConnector(config, deps),
  mapper: {
    normalize: normalizeHealth,
    recordIdOf: recordIdOfHealth,
    updatedAtOf: updatedAtOfHealth,
    originOf: () => 'health',
    identityField: 'idNumber',
  },
  label: { zh: '卫生健康', en: 'Health commission' },
};
