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
