// Shared fixtures for the normalization tests.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { Normalized, EventBody } from '../../schemas/types.ts';

export interface Example {
  name: string;
  explains: string;
  asOf: string;
  channel: string;
  dataset: string;
  raw: unknown;
  expected: { outcome: 'staged' | 'rejected' | 'skipped' } & Record<string, unknown>;
}

export function loadExamples(): Example[] {
  return JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'data', 'normalization.json'), 'utf8')) as Example[];
}

export const AS_OF = '2026-11-28';
export const ctx = { asOf: AS_OF };

/**
 * GB 11643 check character computed independently of the code under test: the weight of
 * position i (1-based from the right, the check position being 1) is 2^(i-1) mod 11, and the
 * check value is (12 - sum mod 11) mod 11, 10 written X.
 */
export function gbCheck(first17: string): string {
  let sum = 0;
  for (let j = 0; j < 17; j++) sum += Number(first17[j]) * (2 ** (17 - j) % 11);
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

/** A valid 18-digit number for the given 17 digits. */
export function withCheck(first17: string): string {
  return first17 + gbCheck(first17);
}

export function staged(n: Normalized): EventBody {
  assert.equal(n.outcome, 'staged', `expected staged, got ${JSON.stringify(n)}`);
  return (n as { event: EventBody }).event;
}

export function assertRejected(n: Normalized, reasonCode: string, field: string): void {
  assert.equal(n.outcome, 'rejected', `expected rejected ${reasonCode} on ${field}, got ${JSON.stringify(n)}`);
  if (n.outcome !== 'rejected') return;
  assert.equal(n.reasonCode, reasonCode, n.message);
  assert.equal(n.field, field, n.message);
  assert.ok(n.message.includes(field), `message names the field: ${n.message}`);
  assert.match(n.message, /\.$/, 'message is a sentence');
}

export function assertSkipped(n: Normalized, reasonCode: string): void {
  assert.equal(n.outcome, 'skipped', `expected skipped ${reasonCode}, got ${JSON.stringify(n)}`);
  if (n.outcome === 'skipped') assert.equal(n.reasonCode, reasonCode);
}
