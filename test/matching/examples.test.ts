import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decide } from '../../matching/decide.ts';
import { loadExamples, seededRandom, shuffled } from './helpers.ts';

describe('decision engine: worked examples (test/data/decisions.json)', () => {
  const examples = loadExamples();

  it('holds the 52 examples', () => {
    assert.equal(examples.length, 52);
  });

  it('every result is valid against results.schema.json', () => {
    const schemaFile = path.join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json');
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
    for (const ex of examples) {
      const actual = decide(ex.roster, ex.events, { period: ex.period, asOf: ex.asOf });
      assert.ok(validate(actual), `${ex.name}: ${JSON.stringify(validate.errors)}`);
    }
  });

  for (const ex of examples) {
    it(`${ex.name}`, () => {
      const actual = decide(ex.roster, ex.events, { period: ex.period, asOf: ex.asOf });
      assert.deepStrictEqual(actual, ex.expected, ex.explains);
    });
  }

  for (const ex of examples) {
    it(`${ex.name}: same result for 20 seeded shuffles of its events`, () => {
      const random = seededRandom(0x5eed ^ ex.name.length);
      for (let i = 0; i < 20; i++) {
        const actual = decide(ex.roster, shuffled(ex.events, random), { period: ex.period, asOf: ex.asOf });
        assert.deepStrictEqual(actual, ex.expected, `shuffle ${i}`);
      }
    });
  }
});
