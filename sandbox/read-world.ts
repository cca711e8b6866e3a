// Read a world file and refuse it, with every problem listed, when it breaks world.schema.json.
import fs from 'node:fs';
import { validateWorld } from '../schemas/index.ts';
import type { World } from './world.ts';
import { parseLargeJson } from './large-json.ts';

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
  return checkWorld(value, source);
}

function checkWorld(value: unknown, source: string): World {
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
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new WorldFileError(`cannot read world file ${file}: ${(err as Error).message}`);
  }
  // a world of a million persons is larger than one JavaScript string: parsed from the bytes
  let value: unknown;
  try {
    value = parseLargeJson(bytes);
  } catch (err) {
    throw new WorldFileError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return checkWorld(value, file);
}
