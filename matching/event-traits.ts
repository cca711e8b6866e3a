// What the rules read off one event alone: whether staff verified it (a hub event), whether it
// is a household status statement (§0 "hukou is a status"), and how strong a sign of life is.

import type { MatchEvent } from './types.ts';

const STRONG_SIGNALS = new Set(['FACE_AUTH', 'REMOTE_ASSIST', 'OVERSEAS_AUTH', 'ONSITE']);

export function isHub(ev: MatchEvent): boolean {
  return ev.origin === 'hub';
}

/** §0: hukou is a status; HUKOU_NORMAL, HUKOU_CANCELLED and a DEATH from a hukou record. */
export function isHukou(ev: MatchEvent): boolean {
  return ev.dataset === 'hukou' && ev.origin !== 'hub' && (ev.kind === 'HUKOU_NORMAL' || ev.kind === 'HUKOU_CANCELLED' || ev.kind === 'DEATH');
}

/** A strong sign of life; the event's own strength wins, else its signal decides. */
export function isStrong(ev: MatchEvent): boolean {
  const strength = ev.detail.strength;
  if (strength === 'strong') return true;
  if (strength === 'weak') return false;
  return STRONG_SIGNALS.has(ev.detail.signal);
}
