// Normalization primitives (normalization.md): small pure functions the source mappers share.
export * from './text.ts';
export * from './identity.ts';
export * from './date.ts';
export * from './name.ts';
export * from './codes.ts';
export * from './record.ts';
