// The provincial big-data center (sources.md §2) as the hub sees it: HMAC-signed REST, four
// datasets relayed from other departments (the origin is the one named in SJLY).
import { loadConnectorSchema } from '../kit/config.ts';
import type { SourceDefinition } from '../kit/source-definition.ts';
import { createBigdataConnector } from './connector.ts';
import type { BigdataConnector } from './connector.ts';
import { normalizeBigdata, originOfBigdata, recordIdOfBigdata, updatedAtOfBigdata } from './mapper.ts';
import { BIGDATA_DATASETS, BIGDATA_RAW } from './raw-records.ts';

export const bigdata: SourceDefinition<BigdataConnector> = {
  name: 'bigdata',
  datasets: BIGDATA_DATASETS,
  raw: BIGDATA_RAW,
  configSchema: loadConnectorSchema('bigdata'),
  createConnector: (config, deps) => createBigdataConnector(config, deps),
  mapper: {
    normalize: normalizeBigdata,
    recordIdOf: recordIdOfBigdata,
    updatedAtOf: updatedAtOfBigdata,
    originOf: originOfBigdata,
    identityField: 'GMSFHM',
  },
  label: { zh: '省政务大数据中心', en: 'Provincial big-data center' },
};
