// The big-data center's datasets (sources.md §2) and their raw-record schemas.
import { compileRawSchema, readSchemaFile } from '../../schemas/index.ts';

export const BIGDATA_DATASETS = ['hukou', 'death', 'cremation', 'prison'] as const;

export const BIGDATA_RAW = compileRawSchema(readSchemaFile('raw-bigdata.schema.json'), { source: 'bigdata', datasets: BIGDATA_DATASETS });
