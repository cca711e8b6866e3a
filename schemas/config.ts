// The sources section of the hub's configuration (config/config.schema.json; each entry is
// checked against schemas/connectors/<source>.json by its connector). Here rather than in
// config/ because the sandbox builds one too, to point a hub at itself, and the sandbox
// imports nothing but schemas/ and lib/.
export interface SourcesConfig {
  ministry?: Record<string, unknown>;
  bigdata?: Record<string, unknown>;
  /** one entry per city */
  police?: Record<string, unknown>[];
  civil?: Record<string, unknown>;
  health?: Record<string, unknown>;
}
