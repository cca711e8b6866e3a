// Config nodes, one type per source kind (`lifecert-ministry`, `lifecert-bigdata`,
// `lifecert-police`, `lifecert-civil`, `lifecert-health`): one connector's configuration. The
// fields the source's configuration schema marks secret (password, appSecret, clientSecret,
// apiKey) live in Node-RED's credentials — encrypted with the hub's key, never in a flow export
// — and everything else in the node. The connector is built by the source's own factory, which
// validates the configuration against the same schema lifecert.config.json is held to.
import { createSourceConnector, sourceKinds } from '../../pipeline/index.ts';
import type { Connector, SourceKind } from '../../pipeline/index.ts';
import type { Node, NodeAPI } from './red.ts';

export interface SourceNode extends Node {
  kind: string;
  datasets: readonly string[];
  /** the connector of this configuration, built on first use (throws a coded config error) */
  connector(): Connector;
}

type Property = { type?: string };

/** A configuration from what the editor stored (every value a string): typed by the schema, empty values left to its defaults. */
export function configFromNode(kind: SourceKind, fields: Record<string, unknown>, credentials: Record<string, string | undefined>): Record<string, unknown> {
  const props = ((kind.configSchema.properties ?? {}) as Record<string, Property>);
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(props)) {
    const value = kind.secretFields.includes(key) ? credentials[key] : fields[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') {
      out[key] = value;
      continue;
    }
    const text = value.trim();
    if (prop.type === 'integer' || prop.type === 'number') out[key] = Number(text);
    else if (prop.type === 'array') out[key] = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
    else if (prop.type === 'object') out[key] = JSON.parse(text) as unknown;
    else out[key] = kind.secretFields.includes(key) ? value : text;
  }
  return out;
}

/** The node type of a source kind. */
export const sourceNodeType = (kind: string): string => `lifecert-${kind}`;

export default function register(RED: NodeAPI): void {
  for (const kind of sourceKinds()) {
    function LifecertSource(this: SourceNode, config: Record<string, unknown>): void {
      RED.nodes.createNode(this, config);
      this.kind = kind.name;
      this.datasets = kind.datasets;
      let built: Connector | null = null;
      this.connector = () => (built ??= createSourceConnector(kind.name, configFromNode(kind, config, this.credentials)));
    }
    const credentials = Object.fromEntries(kind.secretFields.map((f) => [f, { type: 'password' as const }]));
    RED.nodes.registerType(sourceNodeType(kind.name), LifecertSource, { credentials });
  }
}
