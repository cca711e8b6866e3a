// A world of `n` big-data hukou and `n` ministry AUTH records, update times scattered over
// November so that it arrives unsorted: the sandbox's scale test checks what it serves, and
// `npm run bench:scale` times the same world.
import type { World } from '../../sandbox/world.ts';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Deterministic update time of record i, spread over the 28 days of November 2026. */
export const scaleStamp = (i: number): string =>
  `2026-11-${pad(1 + ((i * 7919) % 28), 2)} ${pad((i * 31) % 24, 2)}:${pad(i % 60, 2)}:${pad((i * 13) % 60, 2)}`;

export function scaleWorld(n: number): World {
  return {
    worldVersion: 1,
    period: '2026-11',
    asOf: '2026-11-28',
    roster: [],
    sources: {
      bigdata: { hukou: Array.from({ length: n }, (_, i) => ({ JLID: `H${pad(i, 8)}`, GMSFHM: `4401061941030${pad(i % 100000, 5)}`, HKZT: '1', GXSJ: scaleStamp(i) })) },
      ministry: { AUTH: Array.from({ length: n }, (_, i) => ({ recordId: `A${pad(i, 8)}`, aac002: `4401061941030${pad(i % 100000, 5)}`, dataType: 'AUTH', aae036: scaleStamp(i) })) },
    },
  };
}
