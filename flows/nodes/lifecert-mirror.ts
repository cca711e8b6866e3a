// Config node `lifecert-mirror`: the T+1 mirror the lifecert nodes work on. Default: the hub's
// own mirror, handed over by `lifecert serve` (one database, one lock, whatever the store);
// else a PostgreSQL URL of its own, kept in Node-RED's encrypted credentials (a URL carries a
// password), opened on first use, migrated, and closed when the flows stop.
import { migrate, openDatabase } from '../../pipeline/index.ts';
import type { Db } from '../../pipeline/index.ts';
import { flowsError } from './util.ts';
import type { Node, NodeAPI } from './red.ts';

export interface MirrorConfig {
  name?: string;
  /** `hub`: lifecert serve's mirror; `url`: the database URL in the credentials */
  mode?: 'hub' | 'url';
  /** PostgreSQL schema (mode `url`), default public */
  schema?: string;
}

export interface MirrorNode extends Node<{ databaseUrl?: string }> {
  /** the mirror, opened on first use */
  db(): Promise<Db>;
  /** where the mirror is, for status and logs (`hub`, `postgres …`) */
  where: string;
}

export default function register(RED: NodeAPI): void {
  function LifecertMirror(this: MirrorNode, config: MirrorConfig): void {
    RED.nodes.createNode(this, config);
    const mode = config.mode ?? 'hub';
    let own: Promise<Db> | null = null;
    this.where = mode;
    this.db = async () => {
      if (mode === 'hub') {
        const db = RED.settings.lifecert?.db;
        if (!db) throw flowsError('LIFECERT_FLOWS_MIRROR_UNAVAILABLE', "this mirror configuration uses the hub's mirror, which only lifecert serve provides: run the flow there, or give a database URL");
        return db;
      }
      const url = this.credentials.databaseUrl;
      if (!url) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'the mirror configuration has no database URL');
      own ??= (async () => {
        const db = await openDatabase({ databaseUrl: url, ...(config.schema ? { schema: config.schema } : {}) });
        try {
          await migrate(db);
        } catch (err) {
          await db.close();
          throw err;
        }
        return db;
      })();
      // a failed open is not cached: the next message tries again
      return own.catch((err: unknown) => {
        own = null;
        throw err;
      });
    };
    this.on('close', (_removed, done) => {
      const opened = own;
      own = null;
      if (!opened) return done();
      void opened.then((db) => db.close()).catch(() => undefined).finally(done);
    });
  }
  RED.nodes.registerType('lifecert-mirror', LifecertMirror, { credentials: { databaseUrl: { type: 'password' } } });
}
