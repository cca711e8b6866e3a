// Read a world file and refuse it, with every problem listed, when it breaks world.schema.json.
import fs from 'node:fs';
import { validateWorld } from '../schemas/index.ts';
import type { World } from './world.ts';
import { objectMembers, parseJsonRange, parseLargeJson } from './large-json.ts';

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

/** The world file's bytes; a file that cannot be read is a WorldFileError naming it. */
function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new WorldFileError(`cannot read world file ${file}: ${(err as Error).message}`);
  }
}

export function readWorld(file: string): World {
  const bytes = readBytes(file);
  // a world of a million persons is larger than one JavaScript string: parsed from the bytes
  let value: unknown;
  try {
    value = parseLargeJson(bytes);
  } catch (err) {
    throw new WorldFileError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return checkWorld(value, file);
}

/** What a hub needs of a world: the roster, the period, the as-of date and the police cities. */
export interface HubWorld {
  period: string;
  asOf: string;
  cities: string[];
  roster: World['roster'];
}

/**
 * The hub's part of a world file, without building its sources (the simulators' business, in
 * their own process, which validates the whole file): the roster, period and as-of date are
 * parsed and checked against world.schema.json, of the sources only the police cities' names
 * are read. A 100,000-person world is 74 MB of JSON whose objects take about 450 MiB; the roster
 * alone is a fifth of it.
 */
export function readHubWorld(file: string): HubWorld {
  const bytes = readBytes(file);
  const top: Record<string, unknown> = {};
  let cities: string[] = [];
  try {
    for (const m of objectMembers(bytes)) {
      if (m.key === 'sources') {
        top.sources = {};
        for (const s of objectMembers(bytes, m.start, m.end)) {
          if (s.key === 'police') cities = [...objectMembers(bytes, s.start, s.end)].map((c) => c.key);
        }
      } else if (m.key !== 'faults') {
        top[m.key] = parseJsonRange(bytes, m.start, m.end);
      }
    }
  } catch (err) {
    throw new WorldFileError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const world = checkWorld(top, file);
  return { period: world.period, asOf: world.asOf, cities, roster: world.roster };
}
