import { ConnectorError } from './connector-error.ts';

/** A configuration that does not match the connector's schema; `problems` lists each ajv finding. */
export class ConfigError extends ConnectorError {
  override readonly name: string = 'ConfigError';
  readonly problems: readonly string[];

  constructor(connector: string, problems: readonly string[]) {
    super('LIFECERT_CONNECTOR_CONFIG_INVALID', `${connector} configuration is invalid: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
