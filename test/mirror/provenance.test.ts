// Reading back what staging kept: the quarantine in the order versions were refused, and a
// pull's pages and raw records as received.
import assert from 'node:assert/strict';
import { openPull } from '../../mirror/pulls.ts';
import { readPulledRawText, readRawPages } from '../../mirror/raw-pages.ts';
import { readRejections } from '../../mirror/rejections.ts';
import { rawHash, sha256Hex } from '../../mirror/hashing.ts';
import { stagePage } from '../../mirror/staging.ts';
import type { RecordToStage } from '../../mirror/staging.ts';
import { validateRejection } from '../../schemas/index.ts';
import type { Normalized, Rejection } from '../../schemas/types.ts';
import { forEachDatabase, identityNumber, resetMirror } from './db-targets.ts';

const P1 = identityNumber('44010619500101001');
const refused = (field: string, personId: string | null = null): Normalized => ({ outcome: 'rejected', reasonCode: 'ID_FORMAT', field, message: `${field} is not an identity number`, personId });
const staged: Normalized = { outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId: P1, name: '', date: '2026-11-01', detail: { dateKind: 'death' } } };

forEachDatabase('provenance read back', ({ db }) => {
  let pullId: number;
  beforeEach(async () => {
    await resetMirror(db());
    pullId = await openPull(db(), { runId: 'r', channel: 'health', dataset: 'death-certificates', asOf: '2026-11-28', startedAt: '2026-11-29T01:00:00+08:00' });
  });

  async function stage(seq: number, receivedAt: string, records: RecordToStage[], body: string | Uint8Array = `page ${seq}`): Promise<void> {
    await db().transaction((tx) => stagePage(tx, {
      pullId, channel: 'health', dataset: 'death-certificates', seq, request: `GET ?page=${seq}`, body, receivedAt, records, state: { seq },
    }));
  }

  it('reads rejections by the time their page was received, then insertion, in keyset pages, as rejection records', async () => {
    // staged out of time order, as two connectors side by side can: the later receive time commits first
    await stage(1, '2026-11-29T01:00:00.250+08:00', [
      { recordId: 'B', raw: { certificateNo: 'B', idNumber: 'x' }, updatedAt: '', normalized: refused('idNumber') },
      { recordId: 'C', raw: { certificateNo: 'C', idNumber: 'y' }, updatedAt: '', normalized: refused('idNumber', P1) },
    ]);
    await stage(2, '2026-11-29T01:00:00.125+08:00', [
      { recordId: 'A', raw: { certificateNo: 'A', idNumber: 'z' }, updatedAt: '', normalized: refused('idNumber') },
      { recordId: 'D', raw: { certificateNo: 'D', idNumber: P1 }, updatedAt: '', normalized: staged },
    ]);
    const back: Rejection[] = [];
    for await (const r of readRejections(db(), 1)) back.push(r);
    assert.deepEqual(back.map((r) => [r.recordId, r.createdAt]), [
      ['A', '2026-11-29T01:00:00.125+08:00'], ['B', '2026-11-29T01:00:00.250+08:00'], ['C', '2026-11-29T01:00:00.250+08:00'],
    ]);
    assert.deepEqual(back[2], {
      raw: { certificateNo: 'C', idNumber: 'y' }, source: 'health', dataset: 'death-certificates', recordId: 'C', field: 'idNumber', reasonCode: 'ID_FORMAT',
      message: 'idNumber is not an identity number', personId: P1, rawHash: rawHash({ certificateNo: 'C', idNumber: 'y' }), createdAt: '2026-11-29T01:00:00.250+08:00',
    });
    for (const r of back) assert.deepEqual(validateRejection(r), [], r.recordId);
  });

  it('reads a pull’s pages as received and the raw records it added, in arrival order', async () => {
    const body = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd, 0x0a]); // GBK bytes stay bytes
    await stage(1, '2026-11-29T01:00:00+08:00', [{ recordId: 'A', raw: { b: 1, a: 'é' }, updatedAt: '', normalized: staged }], 'first');
    await stage(2, '2026-11-29T01:00:01+08:00', [
      { recordId: 'B', raw: { z: '0' }, updatedAt: '', normalized: refused('z') },
      { recordId: 'A', raw: { b: 1, a: 'é' }, updatedAt: '', normalized: staged },
    ], body);
    const pages = await readRawPages(db(), pullId);
    assert.deepEqual(pages.map((p) => [p.seq, p.request, p.recordCount, p.receivedAt]), [[1, 'GET ?page=1', 1, '2026-11-29T01:00:00+08:00'], [2, 'GET ?page=2', 2, '2026-11-29T01:00:01+08:00']]);
    assert.equal(pages[0].body.toString('utf8'), 'first');
    assert.deepEqual(pages[1].body, body);
    assert.equal(pages[1].sha256, sha256Hex(body));
    const raws: string[] = [];
    for await (const t of readPulledRawText(db(), pullId, 1)) raws.push(t);
    assert.deepEqual(raws, ['{"b":1,"a":"é"}', '{"z":"0"}'], 'as written, key order kept; a version already held is not added again');
    assert.deepEqual(await readRawPages(db(), pullId + 1), []);
  });
});
