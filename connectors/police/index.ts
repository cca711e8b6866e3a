// City police household registration (sources.md §3) as the hub sees it: OAuth2 REST, one
// connector per city, each its own channel `police-<city4>` with the same dataset and mapping.
import { loadConnectorSchema } from '../kit/config.ts';
import type { SourceDefinition } from '../kit/source-definition.ts';
import { createPoliceConnector } from './connector.ts';
import type { PoliceConnector } from './connector.ts';
import { normalizePolice, recordIdOfPolice, updatedAtOfPolice } from './mapper.ts';
import { POLICE_DATASETS, POLICE_RAW } from './raw-records.ts';

export const police: SourceDefinition<PoliceConnector> = {
  name: 'police',
  instances: { key: 'city', pattern: /^[0-9]{4}$/, area: true },
  datasets: POLICE_DATASETS,
  raw: POLICE_RAW,
  configSchema: loadConnectorSchema('police'),
  createConnector: (config, deps) => createPoliceConnector(config, deps),
  mapper: {
    normalize: normalizePolice,
    recordIdOf: recordIdOfPolice,
    updatedAtOf: updatedAtOfPolice,
    originOf: () => 'police',
    identityField: 'sfzh',
  },
  label: { zh: '{area}公安局', en: 'City police {instance}' },
};
