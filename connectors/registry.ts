// The source registry: the source definitions the hub knows, looked up by name or channel.
// Whatever iterates the sources — configuration, normalization, the report's labels, the
// conformance suite — takes a registry, by default the five built-in sources; a registry is
// immutable, so a test that registers one more source (`defaultRegistry.with(extra)`) leaves
// every other caller's registry as it was.
import { UnknownDatasetError } from '../schemas/index.ts';
import { LifecertError } from '../lib/errors.ts';
import type { SourceLabel } from '../schemas/source-label.ts';
import { servesChannel } from './kit/source-definition.ts';
import type { SourceDefinition } from './kit/source-definition.ts';
import { bigdata } from './bigdata/index.ts';
import { civil } from './civil/index.ts';
import { health } from './health/index.ts';
import { ministry } from './ministry/index.ts';
import { police } from './police/index.ts';

/** The built-in sources in the order of sources.md (the report lists them so). */
export const BUILTIN_SOURCES: readonly SourceDefinition[] = Object.freeze([ministry, bigdata, police, civil, health]);

export interface SourceRegistry {
  /** the definitions in registration order (the report lists channels in it) */
  readonly sources: readonly SourceDefinition[];
  /** the definition called `name` */
  get(name: string): SourceDefinition | undefined;
  /** the definition one of whose channels is `channel` (`police-4401` → police) */
  sourceOf(channel: string): SourceDefinition | undefined;
  /** the definition serving `dataset` on `channel`; throws UnknownDatasetError for a pair no source defines */
  resolve(channel: string, dataset: string): SourceDefinition;
  /** how the report names each source's channels, in registration order */
  labels(): SourceLabel[];
  /** a new registry holding these definitions and then `extra` */
  with(...extra: SourceDefinition[]): SourceRegistry;
}

// lower-case, as channels are in counts.json keys, events and the API; no leading digit or dash
const NAME = /^[a-z][a-z0-9-]*$/;

export class SourceRegistryError extends LifecertError {
  override readonly name: string = 'SourceRegistryError';

  constructor(message: string) {
    super('LIFECERT_CONNECTOR_DEFINITION_INVALID', message);
  }
}

/** A registry of `definitions`; throws SourceRegistryError when two of them claim a name or a channel. */
export function createRegistry(definitions: readonly SourceDefinition[]): SourceRegistry {
  const sources = Object.freeze([...definitions]);
  const byName = new Map<string, SourceDefinition>();
  for (const d of sources) {
    if (!NAME.test(d.name)) throw new SourceRegistryError(`source name ${JSON.stringify(d.name)} is not lower-case letters, digits and dashes`);
    if (byName.has(d.name)) throw new SourceRegistryError(`two sources are called ${JSON.stringify(d.name)}`);
    if (d.datasets.length === 0) throw new SourceRegistryError(`source ${d.name} has no dataset`);
    for (const dataset of d.datasets) {
      if (!d.raw.has(dataset)) throw new SourceRegistryError(`source ${d.name}: dataset ${JSON.stringify(dataset)} has no raw-record schema`);
    }
    byName.set(d.name, d);
  }
  // a single-channel source's name must not also be a channel of a per-instance source (`police-4401`)
  for (const d of sources) {
    const other = sources.find((o) => o !== d && servesChannel(o, d.name));
    if (other) throw new SourceRegistryError(`channel ${d.name} would belong to both ${d.name} and ${other.name}`);
  }

  // the normalization path resolves a channel per record: remember what each channel is
  const channels = new Map<string, SourceDefinition>();
  const sourceOf = (channel: string): SourceDefinition | undefined => {
    const known = channels.get(channel);
    if (known) return known;
    const found = byName.get(channel) ?? sources.find((d) => d.instances && servesChannel(d, channel));
    if (found && servesChannel(found, channel)) {
      channels.set(channel, found);
      return found;
    }
    return undefined;
  };

  return Object.freeze({
    sources,
    get: (name: string) => byName.get(name),
    sourceOf,
    resolve(channel: string, dataset: string): SourceDefinition {
      const d = sourceOf(channel);
      if (!d || !d.raw.has(dataset) || !d.datasets.includes(dataset)) throw new UnknownDatasetError(channel, dataset);
      return d;
    },
    labels: () =>
      sources.map((d): SourceLabel => ({ source: d.name, zh: d.label.zh, en: d.label.en, ...(d.instances ? { instance: d.instances.area ? 'area' : 'key' } : {}) })),
    with: (...extra: SourceDefinition[]) => createRegistry([...sources, ...extra]),
  });
}

/** The registry of the built-in sources: what the hub uses unless handed another. */
export const defaultRegistry: SourceRegistry = createRegistry(BUILTIN_SOURCES);
