import { ConnectorError } from './errors/connector-error.ts';

/** A pull for a dataset the connector does not serve is a configuration error, not an empty pull. */
export function assertDataset(channel: string, datasets: readonly string[], dataset: string): void {
  if (!datasets.includes(dataset)) {
    throw new ConnectorError('LIFECERT_CONNECTOR_DATASET_UNKNOWN', `${channel} does not pull dataset ${JSON.stringify(dataset)} (configured: ${datasets.join(', ')})`);
  }
}
