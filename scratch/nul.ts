import { openDatabase } from '../mirror/db.ts';
import pg from 'pg';
const db = await openDatabase({});
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }); await c.connect();
for (const [label, sql, params] of [
  ['json nul', 'SELECT $1::json::text AS v', [JSON.stringify({a:'x\u0000y'})]],
  ['json lone surrogate', 'SELECT $1::json::text AS v', [JSON.stringify({a:'x\ud800y'})]],
  ['jsonb lone', 'SELECT $1::jsonb::text AS v', [JSON.stringify({a:'x\ud800y'})]],
  ['jsonb nul', 'SELECT $1::jsonb::text AS v', [JSON.stringify({a:'x\u0000y'})]],
  ['text nul', 'SELECT $1::text AS v', ['x\u0000y']],
  ['text lone', 'SELECT $1::text AS v', ['x\ud800y']],
  ['text array nul', 'SELECT ($1::text[])[1] AS v', [['x\u0000y']]],
] as const) {
  for (const [n, q] of [['pglite', (s: string, p: unknown[]) => db.query(s, p)], ['pg', (s: string, p: unknown[]) => c.query(s, p)]] as const) {
    try { const r = await q(sql, [...params]); console.log(n, label, 'OK', JSON.stringify(r.rows[0])); } catch (e) { console.log(n, label, 'ERR', (e as Error).message); }
  }
}
await c.end(); await db.close();
