// Run on its own by extra-source.test.ts (not a *.test.ts file, so the suite never loads it):
// the conformance suite over a registry holding a source that no harness drives.
import { defaultRegistry } from '../../../connectors/registry.ts';
import { runRegistryConformance } from '../conformance.ts';
import { deathRegister } from './death-register.ts';

runRegistryConformance(defaultRegistry.with(deathRegister), {}, [deathRegister.name]);
