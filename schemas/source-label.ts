// How the report names a source's channels, in Chinese and English. The source registry
// (connectors/registry.ts) gives one per source from its definition; the report, which imports
// no connectors, is handed them.

export interface SourceLabel {
  /** the source's name: its channel, or the prefix of `<name>-<instance>` channels */
  source: string;
  /**
   * e.g. `省政务大数据中心`. In a per-instance source's labels `{area}` stands for the instance's
   * area name (`{area}公安局` → 广州市公安局) and `{instance}` for its key (`4401`).
   */
  zh: string;
  /** e.g. `Provincial big-data center`, `City police {instance}` */
  en: string;
  /**
   * present for a source with one channel per instance (`police-4401`): `area` when the
   * instance key is an area code the report can name from its area table, else `key`
   */
  instance?: 'area' | 'key';
}
