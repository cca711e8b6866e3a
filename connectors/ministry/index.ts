// The ministry platform (sources.md §1) as the hub sees it: SOAP 1.1 with a WS-Security digest,
// seven dataTypes, one connector for the province.
import { loadConnectorSchema } from '../kit/config.ts';
import type { SourceDefinition } from '../kit/source-definition.ts';
import { createMinistryConnector } from './connector.ts';
import type { MinistryConnector } from './connector.ts';
import { normalizeMinistry, recordIdOfMinistry, updatedAtOfMinistry } from './mapper.ts';
import { MINISTRY_DATASETS, MINISTRY_RAW } from './raw-records.ts';

export const ministry: SourceDefinition<MinistryConnector> = {
  name: 'ministry',
  datasets: MINISTRY_DATASETS,
  raw: MINISTRY_RAW,
  configSchema: loadConnectorSchema('ministry'),
  createConnector: (config, deps) => createMinistryConnector(config, deps),
  mapper: {
    normalize: normalizeMinistry,
    recordIdOf: recordIdOfMinistry,
    updatedAtOf: updatedAtOfMinistry,
    // imprisonment data originates from justice; the ministry only relays it
    originOf: (dataset) => (dataset === 'PRISON' ? 'justice' : 'ministry'),
    identityField: 'aac002',
  },
  label: { zh: '人社部全国数据', en: 'Ministry platform' },
};
