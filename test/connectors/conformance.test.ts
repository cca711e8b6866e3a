// Runs the conformance suite for every dataset of every built-in source, against its fake
// (nock; a temp inbox for the civil drop) and against its simulator (the sandbox).
import { defaultRegistry } from '../../connectors/registry.ts';
import { runRegistryConformance } from './conformance.ts';
import { BUILTIN_HARNESSES } from './harness/index.ts';

runRegistryConformance(defaultRegistry, BUILTIN_HARNESSES);
