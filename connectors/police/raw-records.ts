// The police dataset (sources.md §3), the same at every city, and its raw-record schema.
import { compileRawSchema, readSchemaFile } from '../../schemas/index.ts';

export const POLICE_DATASETS = ['hukou'] as const;

export const POLICE_RAW = compileRawSchema(readSchemaFile('raw-police.schema.json'), { source: 'police', datasets: POLICE_DATASETS });
