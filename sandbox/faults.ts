// Fault injection for the simulators (sandbox.md `faults`, POST /_sandbox/faults): a channel
// can be down, and every N-th call of a channel can fail in that source's own way.
import { parseUpdateTime } from '../lib/china-time.ts';
import type { SourceRow, WorldFaults } from './world.ts';
import { isPlainObject, isSourceRow } from './http.ts';

export const DEFAULT_TOKEN_TTL_SECONDS = 600;

interface Counted {
  down: boolean;
  /** calls seen since the settings were last changed */
  calls: number;
}

export interface MinistryFaults extends Counted {
  busyEveryNthCall: number;
}
export interface BigdataFaults extends Counted {
  rateLimitEveryNthCall: number;
  unavailableEveryNthCall: number;
}
export interface HealthFaults extends Counted {
  htmlErrorEveryNthCall: number;
}
export interface PoliceCityFaults {
  down: boolean;
  tokenTtlSeconds: number;
}

export class FaultPatchError extends Error {
  override readonly name = 'FaultPatchError';
}

/** True when the `calls`-th call is an N-th call (N = 0 disables the fault). */
export function isNthCall(calls: number, everyNth: number): boolean {
  return everyNth > 0 && calls % everyNth === 0;
}

export class FaultBoard {
  readonly ministry: MinistryFaults;
  readonly bigdata: BigdataFaults;
  readonly health: HealthFaults;
  readonly provincial: { down: boolean };
  readonly police = new Map<string, PoliceCityFaults>();
  /** police items waiting to be inserted after the next page a city serves */
  private readonly lateItems = new Map<string, SourceRow[]>();

  constructor(world: WorldFaults | undefined, policeCities: readonly string[]) {
    this.ministry = { down: false, calls: 0, busyEveryNthCall: world?.ministry?.busyEveryNthCall ?? 0 };
    this.bigdata = {
      down: false,
      calls: 0,
      rateLimitEveryNthCall: world?.bigdata?.rateLimitEveryNthCall ?? 0,
      unavailableEveryNthCall: world?.bigdata?.unavailableEveryNthCall ?? 0,
    };
    this.health = { down: false, calls: 0, htmlErrorEveryNthCall: world?.health?.htmlErrorEveryNthCall ?? 0 };
    this.provincial = { down: false };
    const ttl = world?.police?.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    for (const city of policeCities) this.police.set(city, { down: false, tokenTtlSeconds: ttl });
    for (const [city, rows] of Object.entries(world?.police?.lateItems ?? {})) {
      checkPoliceItems(`world faults.police.lateItems.${city}`, rows);
      if (rows.length > 0) this.lateItems.set(city, [...rows]);
    }
  }

  policeCity(city: string): PoliceCityFaults | undefined {
    return this.police.get(city);
  }

  /** Late items armed for a city, handed over once (the caller inserts them). */
  takeLateItems(city: string): SourceRow[] {
    const rows = this.lateItems.get(city) ?? [];
    this.lateItems.delete(city);
    return rows;
  }

  pendingLateItems(city: string): number {
    return this.lateItems.get(city)?.length ?? 0;
  }

  /**
   * Apply a POST /_sandbox/faults body: `{"<channel>": {"down": bool, ...settings}}` with
   * channel `ministry`, `bigdata`, `police` (every city), `police-<city4>`, `health`,
   * `provincial`, `civil` (no settings). The whole patch is checked before anything changes.
   * Changing a channel's settings restarts its call count, so "every N-th call" counts from
   * the change.
   */
  apply(patch: unknown): void {
    if (!isPlainObject(patch)) throw new FaultPatchError('the faults body must be a JSON object keyed by channel');
    const actions: Array<() => void> = [];
    for (const [channel, raw] of Object.entries(patch)) {
      if (!isPlainObject(raw)) throw new FaultPatchError(`${channel}: settings must be a JSON object`);
      const s = new Settings(channel, raw);
      switch (channel) {
        case 'ministry': {
          const down = s.bool('down');
          const busy = s.count('busyEveryNthCall');
          s.done();
          actions.push(() => {
            if (down !== undefined) this.ministry.down = down;
            if (busy !== undefined) this.ministry.busyEveryNthCall = busy;
            this.ministry.calls = 0;
          });
          break;
        }
        case 'bigdata': {
          const down = s.bool('down');
          const rate = s.count('rateLimitEveryNthCall');
          const unavailable = s.count('unavailableEveryNthCall');
          s.done();
          actions.push(() => {
            if (down !== undefined) this.bigdata.down = down;
            if (rate !== undefined) this.bigdata.rateLimitEveryNthCall = rate;
            if (unavailable !== undefined) this.bigdata.unavailableEveryNthCall = unavailable;
            this.bigdata.calls = 0;
          });
          break;
        }
        case 'health': {
          const down = s.bool('down');
          const html = s.count('htmlErrorEveryNthCall');
          s.done();
          actions.push(() => {
            if (down !== undefined) this.health.down = down;
            if (html !== undefined) this.health.htmlErrorEveryNthCall = html;
            this.health.calls = 0;
          });
          break;
        }
        case 'provincial': {
          const down = s.bool('down');
          s.done();
          actions.push(() => {
            if (down !== undefined) this.provincial.down = down;
          });
          break;
        }
        case 'civil': {
          // a file drop has no down state: its inbox is a folder
          s.done();
          break;
        }
        case 'police': {
          const down = s.bool('down');
          const ttl = s.positive('tokenTtlSeconds');
          const late = s.lateItemsByCity('lateItems', [...this.police.keys()]);
          s.done();
          actions.push(() => {
            for (const city of this.police.values()) {
              if (down !== undefined) city.down = down;
              if (ttl !== undefined) city.tokenTtlSeconds = ttl;
            }
            for (const [city, rows] of late ?? []) this.armLateItems(city, rows);
          });
          break;
        }
        default: {
          const m = /^police-(\d{4})$/.exec(channel);
          const city = m ? this.police.get(m[1]) : undefined;
          if (!m || !city) {
            throw new FaultPatchError(
              `unknown channel '${channel}' (ministry, bigdata, police, ${[...this.police.keys()].map((c) => `police-${c}`).join(', ')}, health, provincial, civil)`,
            );
          }
          const down = s.bool('down');
          const ttl = s.positive('tokenTtlSeconds');
          const late = s.rows('lateItems');
          s.done();
          actions.push(() => {
            if (down !== undefined) city.down = down;
            if (ttl !== undefined) city.tokenTtlSeconds = ttl;
            if (late !== undefined) this.armLateItems(m[1], late);
          });
        }
      }
    }
    for (const act of actions) act();
  }

  /** The current settings, as GET /_sandbox/faults shows them. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ministry: { down: this.ministry.down, busyEveryNthCall: this.ministry.busyEveryNthCall },
      bigdata: {
        down: this.bigdata.down,
        rateLimitEveryNthCall: this.bigdata.rateLimitEveryNthCall,
        unavailableEveryNthCall: this.bigdata.unavailableEveryNthCall,
      },
      health: { down: this.health.down, htmlErrorEveryNthCall: this.health.htmlErrorEveryNthCall },
      provincial: { down: this.provincial.down },
      civil: {},
    };
    for (const [city, f] of this.police) {
      out[`police-${city}`] = { down: f.down, tokenTtlSeconds: f.tokenTtlSeconds, pendingLateItems: this.pendingLateItems(city) };
    }
    return out;
  }

  private armLateItems(city: string, rows: SourceRow[]): void {
    if (rows.length === 0) this.lateItems.delete(city);
    else this.lateItems.set(city, [...rows]);
  }
}

/** Typed reading of one channel's settings object; unknown keys are refused in `done`. */
class Settings {
  private readonly channel: string;
  private readonly raw: Record<string, unknown>;
  private readonly used = new Set<string>();

  constructor(channel: string, raw: Record<string, unknown>) {
    this.channel = channel;
    this.raw = raw;
  }

  bool(key: string): boolean | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new FaultPatchError(`${this.channel}.${key} must be true or false`);
    return v;
  }

  count(key: string): number | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new FaultPatchError(`${this.channel}.${key} must be a whole number ≥ 0 (0 switches it off)`);
    }
    return v;
  }

  positive(key: string): number | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new FaultPatchError(`${this.channel}.${key} must be a whole number ≥ 1`);
    }
    return v;
  }

  rows(key: string): SourceRow[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every(isSourceRow)) {
      throw new FaultPatchError(`${this.channel}.${key} must be an array of records with string values`);
    }
    checkPoliceItems(`${this.channel}.${key}`, v);
    return v;
  }

  lateItemsByCity(key: string, cities: readonly string[]): Array<[string, SourceRow[]]> | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) throw new FaultPatchError(`${this.channel}.${key} must be an object keyed by city code`);
    const out: Array<[string, SourceRow[]]> = [];
    for (const [city, rows] of Object.entries(v)) {
      if (!cities.includes(city)) throw new FaultPatchError(`${this.channel}.${key}: unknown city '${city}'`);
      if (!Array.isArray(rows) || !rows.every(isSourceRow)) {
        throw new FaultPatchError(`${this.channel}.${key}.${city} must be an array of records with string values`);
      }
      checkPoliceItems(`${this.channel}.${key}.${city}`, rows);
      out.push([city, rows]);
    }
    return out;
  }

  done(): void {
    const unknown = Object.keys(this.raw).filter((k) => !this.used.has(k));
    if (unknown.length > 0) throw new FaultPatchError(`${this.channel}: unknown setting(s) ${unknown.join(', ')}`);
  }

  private take(key: string): unknown {
    this.used.add(key);
    return this.raw[key];
  }
}

/** Late police items are inserted into a city's data later: refuse unplaceable ones now. */
function checkPoliceItems(where: string, rows: readonly SourceRow[]): void {
  rows.forEach((row, i) => {
    if (Number.isNaN(parseUpdateTime(row.gxsj ?? ''))) {
      throw new FaultPatchError(`${where}[${i}] (id ${row.id ?? '?'}): gxsj '${row.gxsj ?? ''}' is not an update time`);
    }
  });
}
