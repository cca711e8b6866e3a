// Civil affairs cremation data (sources.md §4) as the hub sees it: GBK CSV files dropped in an
// inbox with `.ok` markers, feedback files written to an outbox; a record is a file's line.
import { loadConnectorSchema } from '../kit/config.ts';
import type { SourceDefinition } from '../kit/source-definition.ts';
import { createCivilConnector } from './connector.ts';
import type { CivilConnector } from './connector.ts';
import { cellOfCivil, normalizeCivil, recordIdOfCivil, updatedAtOfCivil } from './mapper.ts';
import { CIVIL_DATASETS, CIVIL_RAW } from './raw-records.ts';

export const civil: SourceDefinition<CivilConnector> = {
  name: 'civil',
  datasets: CIVIL_DATASETS,
  raw: CIVIL_RAW,
  configSchema: loadConnectorSchema('civil'),
  createConnector: (config, deps) => createCivilConnector(config, deps),
  mapper: {
    normalize: normalizeCivil,
    recordIdOf: recordIdOfCivil,
    updatedAtOf: updatedAtOfCivil,
    originOf: () => 'civil',
    identityField: '身份证号码',
    // a record is {file, line, row}: its fields are the row's cells, named by the CSV header
    fieldOf: cellOfCivil,
  },
  label: { zh: '民政殡葬', en: 'Civil affairs cremation data' },
};
