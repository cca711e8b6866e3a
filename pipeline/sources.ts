// The sources the hub can pull, as the Node-RED configuration nodes need them: each kind's
// configuration schema (which fields are secrets), its datasets, and a connector built from
// one configuration. The registry stays the one place sources are named.
import type { Connector } from '../connectors/kit/connector.ts';
import { defaultRegistry } from '../connectors/registry.ts';
import type { SourceRegistry } from '../connectors/registry.ts';
import { createError } from '../lib/errors.ts';

export interface SourceKind {
  /** `ministry`, `bigdata`, `police`, `civil`, `health` */
  name: string;
  label: { zh: string; en: string };
  datasets: readonly string[];
  /** the property that names an instance (police: `city`), when the source has one per instance */
  instanceKey: string | null;
  /** the JSON Schema of one connector's configuration */
  configSchema: Readonly<Record<string, unknown>>;
  /** the configuration properties marked `secret` */
  secretFields: readonly string[];
}

function secretsOf(schema: Readonly<Record<string, unknown>>): string[] {
  const props = (schema.properties ?? {}) as Record<string, { secret?: boolean }>;
  return Object.keys(props).filter((k) => props[k].secret === true);
}

/** Every source kind of the registry, in its order. */
export function sourceKinds(registry: SourceRegistry = defaultRegistry): SourceKind[] {
  return registry.sources.map((d) => ({
    name: d.name,
    label: { zh: d.label.zh, en: d.label.en },
    datasets: [...d.datasets],
    instanceKey: d.instances?.key ?? null,
    configSchema: d.configSchema,
    secretFields: secretsOf(d.configSchema),
  }));
}

/** A connector of source `kind` from one configuration (validated against the kind's schema by its factory). */
export function createSourceConnector(kind: string, config: unknown, registry: SourceRegistry = defaultRegistry): Connector {
  const definition = registry.get(kind);
  if (!definition) throw createError('LIFECERT_CONNECTOR_DEFINITION_INVALID', `no source kind ${JSON.stringify(kind)} (known: ${registry.sources.map((d) => d.name).join(', ')})`);
  return definition.createConnector(config);
}
