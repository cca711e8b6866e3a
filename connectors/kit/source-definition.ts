// What a source is to the hub: everything the pipeline, the configuration, the report and the
// conformance suite need to know of it, in one object per source (connectors/<source>/index.ts).
// The registry (connectors/registry.ts) holds the definitions; nothing outside a source's
// folder names the source, so adding one is writing its folder and its simulator.
import type { RawSchema } from '../../schemas/index.ts';
import type { SourceLabel } from '../../schemas/source-label.ts';
import type { Normalized, NormalizeContext, Origin } from '../../schemas/types.ts';
import type { Connector, CursorState } from './connector.ts';
import type { ConnectorDeps } from './connector-deps.ts';

/** raw source record → canonical event, and what the pipeline and feedback read of a raw record. */
export interface SourceMapper {
  /** normalization.md: staged, rejected or skipped; never throws for record content */
  normalize(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized;
  /** the record id per the contract, as sent; '' when the record carries none */
  recordIdOf(dataset: string, raw: unknown): string;
  /** the source's update time as ISO 8601 +08:00; '' when unreadable */
  updatedAtOf(dataset: string, raw: unknown): string;
  /**
   * The department a record originates from, whatever became of it (normalization.md 独立来源):
   * null when the record names an origin the hub does not know (big-data `SJLY`).
   */
  originOf(dataset: string, raw: unknown): Origin | null;
  /** the source's own name of its identity-number field (feedback names it; civil: the CSV header) */
  identityField: string;
  /** a field of the raw record exactly as sent, '' when absent; default: the record's own string property */
  fieldOf?(raw: unknown, field: string): string;
}

/** A source served by one connector per instance: police, one per city (`police-4401`). */
export interface SourceInstances {
  /** the configuration property that names the instance (police: `city`) */
  key: string;
  /** what an instance key looks like, anchored (police: `/^[0-9]{4}$/`) */
  pattern: RegExp;
  /** the key is an area code (police: the city's), so the report can name the instance */
  area?: boolean;
}

export interface SourceDefinition<C extends Connector<CursorState> = Connector<CursorState>> {
  /**
   * The source's name: its key under `sources` in lifecert.config.json, its channel (or, for a
   * per-instance source, the prefix of its channels `<name>-<instance>`).
   */
  readonly name: string;
  /** per-instance sources only: the channel of a configuration is `<name>-<config[key]>` */
  readonly instances?: SourceInstances;
  /** every dataset the source publishes, in the contract's order */
  readonly datasets: readonly string[];
  /** the raw-record schema of each dataset (schemas/raw-<name>.schema.json for the built-ins) */
  readonly raw: RawSchema;
  /** JSON Schema of one connector's configuration (schemas/connectors/<name>.json); secrets carry `"secret": true` */
  readonly configSchema: Readonly<Record<string, unknown>>;
  /** a connector from one configuration (one instance's), validated against configSchema by the factory */
  createConnector(config: unknown, deps?: ConnectorDeps): C;
  readonly mapper: SourceMapper;
  /** how the report names the source's channels */
  readonly label: Omit<SourceLabel, 'source' | 'instance'>;
}

/** The channel of a definition for one configuration: `civil`, `police-4401`. */
export function channelOf(definition: SourceDefinition, config: unknown): string {
  if (!definition.instances) return definition.name;
  const key = (config as Record<string, unknown> | null)?.[definition.instances.key];
  return `${definition.name}-${String(key)}`;
}

/** Whether `channel` is one of the definition's channels. */
export function servesChannel(definition: SourceDefinition, channel: string): boolean {
  if (!definition.instances) return channel === definition.name;
  const prefix = `${definition.name}-`;
  return channel.startsWith(prefix) && definition.instances.pattern.test(channel.slice(prefix.length));
}
