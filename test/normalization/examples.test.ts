// Every worked example of normalization.json, every field of `expected` compared.
import assert from 'node:assert/strict';
import { normalize } from '../../connectors/normalize.ts';
import { loadExamples } from './helpers.ts';

describe('normalization examples (test/data/normalization.json)', () => {
  const examples = loadExamples();

  it('holds the worked examples', () => {
    assert.ok(examples.length >= 70);
  });

  for (const ex of examples) {
    it(`${ex.name}`, () => {
      const n = normalize(ex.channel, ex.dataset, ex.raw, { asOf: ex.asOf });
      const { outcome, ...rest } = ex.expected;
      assert.equal(n.outcome, outcome, `${ex.explains}\n got ${JSON.stringify(n)}`);
      if (n.outcome === 'staged') {
        const e = n.event;
        for (const [key, value] of Object.entries(rest)) {
          assert.deepEqual((e as unknown as Record<string, unknown>)[key], value, `${key}: ${ex.explains}`);
        }
        // `others {}` and `endDate only when non-empty`: absent keys in `expected` mean exactly that.
        if (!('detail' in rest)) assert.deepEqual(e.detail, {});
        if (!('endDate' in rest)) assert.equal('endDate' in e, false, 'no endDate key');
        assert.deepEqual(
          Object.keys(e).sort(),
          ['date', 'detail', 'kind', 'name', 'origin', 'personId', ...('endDate' in rest ? ['endDate'] : [])].sort(),
        );
      } else {
        for (const [key, value] of Object.entries(rest)) {
          assert.deepEqual((n as Record<string, unknown>)[key], value, `${key}: ${ex.explains}\n got ${JSON.stringify(n)}`);
        }
        if (n.outcome === 'rejected') {
          assert.ok(n.message.length > 20 && n.message.includes(n.field), n.message);
        }
      }
    });
  }
});
