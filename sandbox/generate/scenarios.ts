// The scenario catalogue: each scenario makes one roster person, writes the source records a
// real situation leaves behind (decision-rules.md), and states the losses and conflicts it
// built. Death origins, validity and §4 ordering are then settled by Gen.finish / the oracle.
// The sections live in scenarios/, the helpers they share in scenarios/kit.ts.
import type { Scenario } from './scenarios/kit.ts';
import { ORDINARY } from './scenarios/ordinary.ts';
import { SUSPENDED } from './scenarios/suspended.ts';
import { DEATHS } from './scenarios/deaths.ts';
import { HOUSEHOLD } from './scenarios/household.ts';
import { IMPRISONMENT } from './scenarios/imprisonment.ts';
import { SECOND_PENSIONS } from './scenarios/second-pensions.ts';

export type { Scenario };

// Section order is part of the world: scenarios are drawn and built in catalogue order.
export const SCENARIOS: readonly Scenario[] = [...ORDINARY, ...SUSPENDED, ...DEATHS, ...HOUSEHOLD, ...IMPRISONMENT, ...SECOND_PENSIONS];

export const SCENARIO_KINDS: readonly string[] = SCENARIOS.map((s) => s.kind);

/**
 * The monthly mix (`mix: 'month'`): each section's share of the roster, the scenarios of a
 * section in the catalogue's proportions; ordinary recipients fill the rest. Why these rates:
 * sandbox/README.md.
 */
export const MONTH_SHARES = {
  suspended: 0.004,
  deaths: 0.002,
  household: 0.0005,
  imprisonment: 0.0001,
  secondPensions: 0.0004,
} as const;

const SECTIONS: readonly (readonly [readonly Scenario[], number])[] = [
  [ORDINARY, 1 - Object.values(MONTH_SHARES).reduce((a, b) => a + b, 0)],
  [SUSPENDED, MONTH_SHARES.suspended],
  [DEATHS, MONTH_SHARES.deaths],
  [HOUSEHOLD, MONTH_SHARES.household],
  [IMPRISONMENT, MONTH_SHARES.imprisonment],
  [SECOND_PENSIONS, MONTH_SHARES.secondPensions],
];

/** Each scenario with its weight in the monthly mix (shares of the roster, summing to 1), in catalogue order. */
export const MONTH_WEIGHTS: readonly (readonly [Scenario, number])[] = SECTIONS.flatMap(([section, share]) => {
  const total = section.reduce((a, s) => a + s.weight, 0);
  return section.map((s) => [s, (share * s.weight) / total] as const);
});
