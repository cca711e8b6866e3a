// The built-in sources' conformance harnesses, by source name.
import type { SourceHarness } from '../conformance.ts';
import { bigdataHarness } from './bigdata.ts';
import { civilHarness } from './civil.ts';
import { healthHarness } from './health.ts';
import { ministryHarness } from './ministry.ts';
import { policeHarness } from './police.ts';

export const BUILTIN_HARNESSES: Readonly<Record<string, SourceHarness>> = {
  ministry: ministryHarness,
  bigdata: bigdataHarness,
  police: policeHarness,
  civil: civilHarness,
  health: healthHarness,
};
