// Read a world file and refuse it, with every problem listed, when it breaks world.schema.json.
import fs from 'node:fs';
import { validateWorld } from '../schemas/index.ts';
import type { World } from './world.ts';

export class WorldFileError extends Error {
  override readonly name = 'WorldFileError';
  readonly code = 'LIFECERT_SANDBOX_WORLD_INVALID';
}

export function parseWorld(text: string, source = 'world'): World {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WorldFileError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const errors = validateWorld(value);
  if (errors.length > 0) {
    const shown = errors.slice(0, 10).map((e) => `  ${e.path || '/'}: ${e.message}`).join('\n');
    const more = errors.length > 10 ? `\n  … and ${errors.length - 10} more` : '';
    throw new WorldFileError(`${source} does not follow world.schema.json:\n${shown}${more}`);
  }
  const world = value as World;
  const seen = new Set<string>();
  for (const entry of world.roster) {
    if (seen.has(entry.personId)) throw new WorldFileError(`${source}: roster holds personId ${entry.personId.slice(0, 6)}… twice`);
    seen.add(entry.personId);
  }
  return world;
}

export function readWorld(file: string): World {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new WorldFileError(`cannot read world file ${file}: ${(err as Error).message}`);
  }
  return parseWorld(text, file);
}
