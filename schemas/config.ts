// The sources section of the hub's configuration (config/config.schema.json, assembled from the
// registered sources' configuration schemas). Here rather than in config/ because the sandbox
// builds one too, to point a hub at itself, and the sandbox imports nothing but schemas/ and lib/.

/** One source's configuration as written under `sources` (secrets as `{"env": "VARIABLE"}`). */
export type SourceConfig = Readonly<Record<string, unknown>>;

/**
 * The `sources` section: source name → its configuration, or a list of them for a source with
 * one connector per instance (police: one entry per city).
 */
export type SourcesConfig = Readonly<Record<string, SourceConfig | readonly SourceConfig[]>>;
