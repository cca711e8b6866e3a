// `lifecert roster import FILE`: the roster from a CSV or JSON-lines file into the mirror, for
// installations whose T+1 replica does not fill t1_recipients itself. The file is read twice:
// first every line is checked (all problems reported with their line numbers, nothing
// loaded), then the entries are loaded with COPY, replacing the previous roster in one
// transaction — readers see the old roster or the new one, never half.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import Ajv2020 from 'ajv/dist/2020.js';
import { checkCharacter } from '../connectors/kit/normalize/identity.ts';
import { LifecertError } from '../lib/errors.ts';
import { maskPersonId } from '../lib/mask.ts';
import { loadRoster } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { RosterEntry } from '../schemas/types.ts';

export const ROSTER_FORMATS = ['csv', 'jsonl'] as const;
export type RosterFormat = (typeof ROSTER_FORMATS)[number];

export class RosterImportError extends LifecertError {
  override readonly name: string = 'RosterImportError';
  /** every problem found, `line N: ...` (at most MAX_REPORTED) */
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[]) {
    super('LIFECERT_ROSTER_INPUT_INVALID', message, { details: { problems } });
    this.problems = problems;
  }
}

/** Problems listed at most; the count says how many more there were. */
export const MAX_REPORTED = 50;

const schema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'schemas', 'roster-entry.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false });
const validateEntry = ajv.compile(schema);

const FIELDS = Object.keys(schema.properties as object) as (keyof RosterEntry)[];
const REQUIRED = new Set(schema.required as string[]);
const SNAKE = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** CSV headers: the roster field names (personId) or the mirror's column names (person_id). */
const HEADER_TO_FIELD = new Map<string, keyof RosterEntry>(FIELDS.flatMap((f) => [[f, f], [SNAKE(f), f]] as [string, keyof RosterEntry][]));

export function formatOf(file: string, explicit?: string): RosterFormat {
  if (explicit !== undefined) {
    if (!(ROSTER_FORMATS as readonly string[]).includes(explicit)) throw new RosterImportError(`--format must be csv or jsonl, got '${explicit}'`, []);
    return explicit as RosterFormat;
  }
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  throw new RosterImportError(`cannot tell the format of ${path.basename(file)} from its name: use --format csv|jsonl`, []);
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/** The problems of one entry (empty when it is a valid roster entry); values shown masked. */
export function checkRosterEntry(value: unknown): string[] {
  if (!validateEntry(value)) {
    const problems = new Set<string>();
    for (const e of validateEntry.errors ?? []) {
      const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
      // the if/then/else of a suspended benefit: said once, in the roster's own words
      if (e.keyword === 'if' || e.keyword === 'not' || e.schemaPath.startsWith('#/then')) {
        problems.add((value as { benefitStatus?: unknown }).benefitStatus === 'suspended'
          ? 'a suspended benefit needs suspendReason and suspendedSince'
          : 'suspendReason and suspendedSince belong to a suspended benefit only');
      } else if (e.keyword === 'required') problems.add(`${String(params.missingProperty)} is missing`);
      else if (e.keyword === 'additionalProperties') problems.add(`${String(params.additionalProperty)} is not a roster field`);
      else if (e.keyword === 'enum') problems.add(`${e.instancePath.slice(1)} must be one of ${(params.allowedValues ?? []).join(', ')}`);
      else problems.add(`${e.instancePath.slice(1) || 'the entry'} ${e.message ?? 'is invalid'}`);
    }
    return [...problems];
  }
  const e = value as RosterEntry;
  const problems: string[] = [];
  if (checkCharacter(e.personId.slice(0, 17)) !== e.personId[17]) problems.push(`personId ${maskPersonId(e.personId)} fails the GB 11643 check character`);
  if (!isRealDate(e.birthDate)) problems.push(`birthDate ${e.birthDate} is not a real date`);
  return problems;
}

interface NumberedEntry {
  line: number;
  entry: unknown;
  /** a problem of the line itself (not JSON, a CSV row of the wrong width) */
  problem?: string;
}

async function* csvEntries(file: string): AsyncGenerator<NumberedEntry> {
  let fields: (keyof RosterEntry)[] | null = null;
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, info: true, relax_column_count: true, trim: false }));
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (fields === null) {
      const unknown = record.filter((h) => !HEADER_TO_FIELD.has(h.trim()));
      if (unknown.length > 0) throw new RosterImportError(`line ${info.lines}: unknown column ${unknown.map((h) => `'${h}'`).join(', ')} (columns: ${FIELDS.join(', ')})`, []);
      fields = record.map((h) => HEADER_TO_FIELD.get(h.trim()) as keyof RosterEntry);
      const missing = FIELDS.filter((f) => REQUIRED.has(f) && !fields?.includes(f));
      if (missing.length > 0) throw new RosterImportError(`line ${info.lines}: missing column ${missing.join(', ')}`, []);
      continue;
    }
    if (record.length !== fields.length) {
      yield { line: info.lines, entry: null, problem: `${record.length} fields for ${fields.length} columns` };
      continue;
    }
    const entry: Record<string, unknown> = {};
    fields.forEach((f, i) => {
      const v = record[i];
      // an empty optional field is an absent one (suspendReason of a normal benefit)
      if (v === '' && !REQUIRED.has(f)) return;
      entry[f] = f === 'monthlyAmountFen' && /^\d+$/.test(v) ? Number(v) : v;
    });
    yield { line: info.lines, entry };
  }
  if (fields === null) throw new RosterImportError('the file is empty: a header line is needed', []);
}

async function* jsonlEntries(file: string): AsyncGenerator<NumberedEntry> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const t = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (t.trim() === '') continue;
    try {
      yield { line, entry: JSON.parse(t) as unknown };
    } catch {
      yield { line, entry: null, problem: 'not a JSON object' };
    }
  }
}

function entriesOf(file: string, format: RosterFormat): AsyncGenerator<NumberedEntry> {
  return format === 'csv' ? csvEntries(file) : jsonlEntries(file);
}

export interface RosterCheck {
  entries: number;
  problems: string[];
  /** problems beyond the listed ones */
  more: number;
}

/** Pass 1: every line checked; nothing is loaded. */
export async function checkRosterFile(file: string, format: RosterFormat): Promise<RosterCheck> {
  const out: RosterCheck = { entries: 0, problems: [], more: 0 };
  for await (const { line, entry, problem } of entriesOf(file, format)) {
    out.entries += 1;
    const found = problem !== undefined ? [problem] : checkRosterEntry(entry);
    for (const p of found) {
      if (out.problems.length < MAX_REPORTED) out.problems.push(`line ${line}: ${p}`);
      else out.more += 1;
    }
  }
  return out;
}

async function* validEntries(file: string, format: RosterFormat): AsyncGenerator<RosterEntry> {
  for await (const { entry } of entriesOf(file, format)) yield entry as RosterEntry;
}

async function linesOf(file: string, format: RosterFormat, personId: string): Promise<number[]> {
  const found: number[] = [];
  for await (const { line, entry } of entriesOf(file, format)) if ((entry as RosterEntry | null)?.personId === personId) found.push(line);
  return found;
}

export interface RosterImportOptions {
  format?: RosterFormat;
  /** the roster table (default t1_recipients) */
  table?: string;
}

/** Checks the whole file, then replaces the roster with it in one COPY transaction. Returns the entries loaded. */
export async function importRoster(db: Db, file: string, options: RosterImportOptions = {}): Promise<number> {
  const format = options.format ?? formatOf(file);
  if (!fs.existsSync(file)) throw new RosterImportError(`no such file: ${file}`, []);
  const check = await checkRosterFile(file, format);
  if (check.problems.length > 0) {
    const more = check.more > 0 ? ` (and ${check.more} more)` : '';
    throw new RosterImportError(`${path.basename(file)}: ${check.problems.length + check.more} problems${more}; nothing was loaded`, check.problems);
  }
  if (check.entries === 0) throw new RosterImportError(`${path.basename(file)} holds no roster entries; the roster was left as it was`, []);
  try {
    return await loadRoster(db, validEntries(file, format), { table: options.table, replace: true });
  } catch (err) {
    // a person twice: the primary key says which; the file says where
    const detail = (err as { detail?: string }).detail ?? '';
    const m = /\(person_id\)=\(([0-9X]{18})\)/.exec(detail);
    if ((err as { code?: string }).code === '23505' && m) {
      const lines = await linesOf(file, format, m[1]);
      throw new RosterImportError(`${path.basename(file)}: personId ${maskPersonId(m[1])} appears more than once; nothing was loaded`, [`lines ${lines.join(', ')}: the same personId`]);
    }
    throw err;
  }
}
