// What the hub must make of every record the generator writes, tallied per channel and dataset
// as a first pull from 2000-01-01 with asOf = the world's asOf counts it (sources.md, normalization.md).
import type { PullCounts, RejectionCode, SkipCode } from '../../schemas/types.ts';

export type Outcome =
  | { kind: 'staged' }
  | { kind: 'rejected'; reasonCode: RejectionCode; field: string }
  | { kind: 'skipped'; reasonCode: SkipCode }
  /** updated after the as-of day, or in a civil file without its `.ok`: counts nowhere */
  | { kind: 'unseen' };

export const STAGED: Outcome = { kind: 'staged' };
export const UNSEEN: Outcome = { kind: 'unseen' };

export function rejected(reasonCode: RejectionCode, field: string): Outcome {
  return { kind: 'rejected', reasonCode, field };
}

export function skipped(reasonCode: SkipCode): Outcome {
  return { kind: 'skipped', reasonCode };
}

export interface ExpectedRejection {
  channel: string;
  dataset: string;
  recordId: string;
  reasonCode: RejectionCode;
  field: string;
}

export interface ExpectedSkip {
  channel: string;
  dataset: string;
  recordId: string;
  reasonCode: SkipCode;
}

export class Ledger {
  readonly counts: Record<string, PullCounts> = {};
  readonly rejections: ExpectedRejection[] = [];
  readonly skips: ExpectedSkip[] = [];

  declare(channel: string, dataset: string): void {
    this.counts[`${channel}/${dataset}`] ??= { pulled: 0, staged: 0, rejected: 0, skipped: 0 };
  }

  record(channel: string, dataset: string, recordId: string, outcome: Outcome): void {
    const key = `${channel}/${dataset}`;
    const c = this.counts[key];
    if (!c) throw new Error(`generator bug: undeclared dataset ${key}`);
    if (outcome.kind === 'unseen') return;
    c.pulled += 1;
    if (outcome.kind === 'staged') c.staged += 1;
    else if (outcome.kind === 'rejected') {
      c.rejected += 1;
      this.rejections.push({ channel, dataset, recordId, reasonCode: outcome.reasonCode, field: outcome.field });
    } else {
      c.skipped += 1;
      this.skips.push({ channel, dataset, recordId, reasonCode: outcome.reasonCode });
    }
  }
}
