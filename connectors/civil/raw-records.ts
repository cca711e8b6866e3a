// The civil dataset (sources.md §4) and its raw-record schema: a CSV row is carried as
// {file, line, row}, and the published fields are the row's (the CSV header).
import { compileRawSchema, readSchemaFile } from '../../schemas/index.ts';

export const CIVIL_DATASETS = ['cremation'] as const;

export const CIVIL_RAW = compileRawSchema(readSchemaFile('raw-civil.schema.json'), { source: 'civil', datasets: CIVIL_DATASETS, fieldsAt: ['row'] });
