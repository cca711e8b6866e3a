// The ministry's datasets (its dataTypes, sources.md §1) and their raw-record schemas.
import { compileRawSchema, readSchemaFile } from '../../schemas/index.ts';

export const MINISTRY_DATASETS = ['DEATH', 'BENEFIT', 'AUTH', 'TRAVEL', 'MEDICAL', 'PRISON', 'OVERSEAS'] as const;

export const MINISTRY_RAW = compileRawSchema(readSchemaFile('raw-ministry.schema.json'), { source: 'ministry', datasets: MINISTRY_DATASETS });
