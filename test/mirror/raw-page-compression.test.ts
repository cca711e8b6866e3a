// 019_raw_pages_lz4.sql: archived page bodies are stored lz4-compressed where the server has lz4
// (PostgreSQL builds with it; embedded PGlite keeps its default), and read back byte for byte.
import assert from 'node:assert/strict';
import { stagePage } from '../../mirror/staging.ts';
import type { RecordToStage } from '../../mirror/staging.ts';
import { forEachDatabase, freshHealthPull, healthPage, identityNumber } from './db-targets.ts';

const P1 = identityNumber('44010619500101001');

forEachDatabase('archived page compression (019)', ({ db }) => {
  it('compresses a page body with lz4 when the server has it, and reads it back unchanged', async () => {
    const pullId = await freshHealthPull(db());
    const records: RecordToStage[] = Array.from({ length: 200 }, (_, i) => ({
      recordId: `DC-${i}`,
      raw: { certificateNo: `DC-${i}`, idNumber: P1, name: '张三', deathDate: '2026-11-01', updatedAt: '2026-11-20 09:00:00' },
      updatedAt: '2026-11-20T09:00:00+08:00',
      normalized: { outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId: P1, name: '张三', date: '2026-11-01', detail: { dateKind: 'death' } } },
    }));
    const page = healthPage(pullId, 1, records);
    const body = Buffer.from(page.body as string, 'utf8');
    assert.ok(body.length > 8192, `a body past the in-line limit (${body.length} bytes)`);
    await db().transaction((tx) => stagePage(tx, page));

    const { rows: settings } = await db().query<{ lz4: boolean }>(
      `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
    const { rows } = await db().query<{ method: string | null; body: Uint8Array }>(
      `SELECT pg_column_compression(body) AS method, body FROM raw_pages WHERE pull_id = $1`, [pullId]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].method, settings[0]?.lz4 ? 'lz4' : 'pglz');
    assert.ok(Buffer.from(rows[0].body).equals(body), 'the archived body is the page as received');
  });
});
