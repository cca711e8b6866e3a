// The record JSON Schemas: every raw example fits its source's published shape (dirty values
// included), staged events and rejections built from the examples fit theirs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { validateEvent, validateRejection, validateResult, validateWorld } from '../../schemas/index.ts';
import { normalize, recordIdOf, updatedAtOf, validateRaw } from '../../connectors/normalize.ts';
import { defaultRegistry } from '../../connectors/registry.ts';
import { toChinaIso } from '../../lib/china-time.ts';
import type { CanonicalEvent, EventBody } from '../../schemas/types.ts';
import { loadExamples } from './helpers.ts';

/** A source's published fields, by source name (every `police-<city4>` shares police's). */
const publishedFields = (source: string, dataset: string) => defaultRegistry.get(source)?.raw.fields(dataset);

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function stage(channel: string, dataset: string, raw: unknown, body: EventBody): CanonicalEvent {
  const recordId = recordIdOf(channel, dataset, raw);
  return {
    ...body,
    eventId: sha256(`${channel}\u0000${dataset}\u0000${recordId}`),
    source: channel,
    dataset,
    recordId,
    sourceUpdatedAt: updatedAtOf(channel, dataset, raw),
    receivedAt: toChinaIso(Date.UTC(2026, 10, 28, 2, 0, 0)),
    rawHash: sha256(JSON.stringify(raw)),
  };
}

describe('schemas: raw records', () => {
  const examples = loadExamples();

  it('every raw example validates against its raw schema', () => {
    for (const ex of examples) {
      assert.deepEqual(validateRaw(ex.channel, ex.dataset, ex.raw), [], ex.name);
    }
  });

  it('describes the published field names in sources.md order', () => {
    assert.deepEqual(publishedFields('police', 'hukou'), ['id', 'sfzh', 'xm', 'xb', 'csrq', 'hjzt', 'zxyy', 'zxrq', 'hjdz', 'gxsj']);
    assert.deepEqual(publishedFields('bigdata', 'hukou')?.slice(7), ['HKZT', 'ZXYYDM', 'ZXRQ', 'SWRQ']);
    assert.deepEqual(publishedFields('bigdata', 'prison')?.slice(7), ['XQQSRQ', 'XQJZRQ', 'JYMC']);
    assert.deepEqual(publishedFields('health', 'death-certificates'), ['certificateNo', 'idType', 'idNumber', 'name', 'sex', 'deathTime', 'deathPlace', 'updatedAt']);
    assert.equal(publishedFields('ministry', 'OVERSEAS')?.length, 13);
  });

  it('does not enforce content: dirty values and absent fields are valid shapes', () => {
    assert.deepEqual(validateRaw('bigdata', 'death', { GMSFHM: '4.40106E+17', SWRQ: '2026-02-30', SJLY: '??' }), []);
    assert.deepEqual(validateRaw('ministry', 'AUTH', {}), []);
    assert.deepEqual(validateRaw('civil', 'cremation', { file: 'x.csv', line: 9, row: { 死亡日期: '不详' } }), []);
  });

  it('refuses what is not an object of strings, naming the field', () => {
    assert.deepEqual(validateRaw('bigdata', 'death', { GMSFHM: 440106194308160224 }).map((e) => e.field), ['GMSFHM']);
    assert.deepEqual(validateRaw('health', 'checkups', null).map((e) => e.field), [null]);
    assert.deepEqual(validateRaw('civil', 'cremation', { file: 'x.csv', line: 2, row: { 死亡日期: null } }).map((e) => e.field), ['死亡日期']);
    assert.ok(validateRaw('civil', 'cremation', { file: 'x.csv', line: 1, row: {} }).length > 0, 'line 1 is the header');
    assert.ok(validateRaw('ministry', 'DEATH', []).length > 0);
  });
});

describe('schemas: canonical events and rejections', () => {
  const examples = loadExamples();

  it('a staged event built from every staged example validates', () => {
    let count = 0;
    for (const ex of examples) {
      const n = normalize(ex.channel, ex.dataset, ex.raw, { asOf: ex.asOf });
      if (n.outcome !== 'staged') continue;
      count++;
      assert.deepEqual(validateEvent(stage(ex.channel, ex.dataset, ex.raw, n.event)), [], ex.name);
    }
    assert.equal(count, 44);
  });

  it('a rejection record built from every rejected example validates', () => {
    let count = 0;
    for (const ex of examples) {
      const n = normalize(ex.channel, ex.dataset, ex.raw, { asOf: ex.asOf });
      if (n.outcome !== 'rejected') continue;
      count++;
      const rejection = {
        raw: ex.raw, source: ex.channel, dataset: ex.dataset, recordId: recordIdOf(ex.channel, ex.dataset, ex.raw),
        field: n.field, reasonCode: n.reasonCode, message: n.message, personId: n.personId,
      };
      assert.deepEqual(validateRejection(rejection), [], ex.name);
    }
    assert.equal(count, 20);
    assert.ok(validateRejection({ raw: null, source: 'civil', dataset: 'cremation', recordId: '', field: '身份证号码', reasonCode: 'NOPE', message: 'x' }).length > 0);
  });

  it('refuses events whose detail or end date does not fit the kind', () => {
    const ex = examples.find((e) => e.name === 'ministry-prison-future-end')!;
    const n = normalize(ex.channel, ex.dataset, ex.raw, { asOf: ex.asOf });
    assert.equal(n.outcome, 'staged');
    if (n.outcome !== 'staged') return;
    const event = stage(ex.channel, ex.dataset, ex.raw, n.event);
    assert.deepEqual(validateEvent(event), []);
    assert.ok(validateEvent({ ...event, detail: { dateKind: 'death' } }).length > 0, 'IMPRISONED has an empty detail');
    assert.ok(validateEvent({ ...event, kind: 'DEATH', detail: { dateKind: 'guess' } }).length > 0);
    assert.ok(validateEvent({ ...event, kind: 'DEATH', detail: { dateKind: 'death' } }).length > 0, 'a DEATH has no end date');
    assert.ok(validateEvent({ ...event, kind: 'ALIVE', detail: { signal: 'TRAVEL', strength: 'strong' } }).length > 0, 'TRAVEL is weak');
    assert.ok(validateEvent({ ...event, personId: '44030319580506021' }).length > 0);
    assert.ok(validateEvent({ ...event, date: '2026-02-30' }).length > 0);
    assert.ok(validateEvent({ ...event, source: 'police-44' }).length > 0);
    assert.ok(validateEvent({ ...event, extra: 1 }).length > 0);
    const { rawHash: _omitted, ...withoutHash } = event;
    assert.ok(validateEvent(withoutHash).length > 0);
  });

  it('fits the events and results of the decision examples (test/data/decisions.json)', () => {
    const decisions = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'data', 'decisions.json'), 'utf8')) as {
      name: string; events?: Record<string, unknown>[]; expected: unknown;
    }[];
    for (const d of decisions) {
      assert.deepEqual(validateResult(d.expected), [], d.name);
      for (const e of d.events ?? []) {
        const full = {
          eventId: sha256(`${e.source}/${e.dataset}/${e.recordId}`), receivedAt: '2026-11-28T10:00:00+08:00',
          rawHash: sha256(JSON.stringify(e)), sourceUpdatedAt: '2026-11-01T00:00:00+08:00', ...e,
        };
        assert.deepEqual(validateEvent(full), [], `${d.name}: ${JSON.stringify(e)}`);
      }
    }
  });

  it('validates sandbox worlds', () => {
    assert.ok(validateWorld({}).length > 0);
    assert.deepEqual(validateWorld({ worldVersion: 1, period: '2026-11', asOf: '2026-11-28', roster: [], sources: {} }), []);
  });
});
