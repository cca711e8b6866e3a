// The decision engine's public surface (decision-rules.md).

export { decide, decideShard } from './decide.ts';
export { needsCase, isReminder } from './worklists.ts';
export { normalizeName } from './names.ts';
export { MatchInputError } from './errors.ts';
export { CONFLICT_REASONS, LOSS_REASONS } from './types.ts';
export type { MatchEvent, DecideOptions } from './types.ts';
