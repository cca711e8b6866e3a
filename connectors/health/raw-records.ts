// The health commission's datasets (sources.md §5) and their raw-record schemas.
import { compileRawSchema, readSchemaFile } from '../../schemas/index.ts';

export const HEALTH_DATASETS = ['death-certificates', 'vaccinations', 'checkups'] as const;

export const HEALTH_RAW = compileRawSchema(readSchemaFile('raw-health.schema.json'), { source: 'health', datasets: HEALTH_DATASETS });
