// What the rest of the hub knows of a source without importing connectors/: its configuration
// as written in lifecert.config.json and how the report names its channels. The source
// registry (connectors/registry.ts) fills both from the sources' definitions.

/** One source's configuration as written under `sources` (secrets as `{"env": "VARIABLE"}`). */
export type SourceConfig = Readonly<Record<string, unknown>>;

/**
 * The `sources` section: source name → its configuration, or a list of them for a source with
 * one instance per area (police: one entry per city).
 */
export type SourcesConfig = Readonly<Record<string, SourceConfig | readonly SourceConfig[]>>;

/** A source's name in the report, in Chinese and English. */
export interface SourceLabel {
  /** the source's name: its channel, or the prefix of `<name>-<instance>` channels */
  source: string;
  /**
   * e.g. `省政务大数据中心`. In a per-instance source's labels `{area}` stands for the instance's
   * area name (`{area}公安局` → 广州市公安局) and `{instance}` for its key (`4401`).
   */
  zh: string;
  /** e.g. `provincial big-data center`, `city police {instance}` */
  en: string;
  /**
   * present for a source with one channel per instance (`police-4401`): `area` when the
   * instance key is an area code the report can name from its area table, else `key`
   */
  instance?: 'area' | 'key';
}
