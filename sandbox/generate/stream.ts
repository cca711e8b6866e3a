// The streamed generator (`generateWorldFiles`): the world file and its expectation sidecar
// written with memory bounded independently of the number of persons. Persons are made in chunks
// of STREAM_CHUNK — scenarios, dirt and outsiders in proportion, then each person finished and
// decided by the oracle — and every chunk is spilled to temporary files: each dataset's records
// and the rejections and skips in the order they were written, and the chunk's roster entries
// with their expected results as a run sorted by personId. The runs are merged (an external
// sort) into the final files, which have exactly the shape of `writeWorld`'s. What stays in
// memory for the whole world: the identity numbers minted (8 bytes each, id-set.ts), the counts,
// the civil files (cremations are rare: a few MB at 10,000,000 persons of the monthly mix) and
// the late police items.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PullCounts } from '../../schemas/types.ts';
import type { GenerateOptions, WorldPaths } from '../generate.ts';
import type { SourceRow } from '../world.ts';
import { Gen } from './builder.ts';
import { CompactIdSet } from './id-set.ts';
import { buildPersons, dirtExtra, outsiderCount, planPersons, scenarioPicker, settle, writeDirt, writeOutsiders } from './plan.ts';
import { Out, Spill, mergeRuns, writeRun } from './spill.ts';

/** Roster persons made and spilled at a time: part of the world (another chunk size gives another world). */
export const STREAM_CHUNK = 20_000;

export interface StreamedWorld {
  paths: WorldPaths;
  persons: number;
  /** source records a first pull counts (the sum of the expectation's `pulled`) */
  records: number;
  period: string;
  asOf: string;
  /** the police cities, in the world's order */
  cities: string[];
  counts: Record<string, PullCounts>;
  catalog: { scenarios: Record<string, number>; dirt: Record<string, number>; outsiders: number };
}

export interface StreamOptions {
  /** roster persons per chunk (default STREAM_CHUNK); part of the world, like the seed — the tests use small chunks to merge many runs */
  chunk?: number;
  /** called after every chunk with the persons made so far */
  onProgress?: (done: number, persons: number) => void;
}

type DatasetSpill = { rows: SourceRow[]; spill: Spill };

export function streamWorld(options: GenerateOptions, paths: WorldPaths, streamOptions: StreamOptions = {}): StreamedWorld {
  const s = settle(options);
  const chunk = streamOptions.chunk ?? STREAM_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${String(chunk)}`);
  // roster persons, outsiders (a quarter, some twice) and dirt subjects all get a number
  const ids = new CompactIdSet(Math.ceil(s.persons * 1.4) + 2000);
  const g = new Gen({ persons: s.persons, seed: s.seed, period: s.period, asOf: s.asOf, faults: s.faults, cities: s.cities, mix: s.mix, usedIds: ids });
  mkdirSync(dirname(paths.world), { recursive: true });
  mkdirSync(dirname(paths.expected), { recursive: true });
  const tmp = mkdtempSync(join(dirname(paths.world), '.generate-'));
  try {
    const sources = g.world.sources;
    const group = (name: string, datasets: Partial<Record<string, SourceRow[]>>): [string, DatasetSpill][] =>
      Object.entries(datasets).map(([d, rows], i) => [d, { rows: rows!, spill: new Spill(join(tmp, `${name}-${i}`)) }]);
    const ministry = group('ministry', sources.ministry!);
    const bigdata = group('bigdata', sources.bigdata!);
    const police = group('police', sources.police!);
    const health = group('health', sources.health!);
    const all = [...ministry, ...bigdata, ...police, ...health];
    const rejections = new Spill(join(tmp, 'rejections'));
    const skips = new Spill(join(tmp, 'skips'));
    const drain = (): void => {
      for (const [, d] of all) {
        for (const row of d.rows) d.spill.push(JSON.stringify(row));
        d.rows.length = 0;
      }
      for (const r of g.ledger.rejections) rejections.push(JSON.stringify(r));
      g.ledger.rejections.length = 0;
      for (const r of g.ledger.skips) skips.push(JSON.stringify(r));
      g.ledger.skips.length = 0;
      g.persons.length = 0;
      g.world.roster.length = 0;
      g.notes.clear();
    };

    const draw = scenarioPicker(g, s.mix);
    const dirtCounts: Record<string, number> = {};
    const totalDirt = dirtExtra(s.persons);
    const totalOutsiders = outsiderCount(s.persons);
    const runs: string[] = [];
    for (let done = 0; done < s.persons;) {
      const n = Math.min(chunk, s.persons - done);
      const first = done === 0;
      const share = (total: number): number => Math.round((total * (done + n)) / s.persons) - Math.round((total * done) / s.persons);
      buildPersons(g, planPersons(g, n, first, draw));
      writeDirt(g, g.persons, first, share(totalDirt), dirtCounts);
      writeOutsiders(g, share(totalOutsiders));
      // finish first: it may move a roster entry's last certification back before a death
      const lines = g.persons.map((p): [string, string] => {
        const result = JSON.stringify(g.finish(p));
        return [p.entry.personId, `${JSON.stringify(p.entry)}\t${result}`];
      });
      const run = join(tmp, `run-${runs.length}`);
      writeRun(run, lines);
      runs.push(run);
      drain();
      done += n;
      streamOptions.onProgress?.(done, s.persons);
    }
    const world = g.seal();
    drain();
    for (const [, d] of all) d.spill.close();
    rejections.close();
    skips.close();

    // the world: roster (merged), then every dataset's records as written
    const results = new Spill(join(tmp, 'results'));
    const worldOut = new Out(`${paths.world}.part`);
    worldOut.write(`{"worldVersion":1,"period":${JSON.stringify(s.period)},"asOf":${JSON.stringify(s.asOf)},"roster":[`);
    let firstEntry = true;
    mergeRuns(runs, (personId, rest) => {
      const tab = rest.indexOf('\t');
      worldOut.write(firstEntry ? rest.slice(0, tab) : `,${rest.slice(0, tab)}`);
      firstEntry = false;
      results.push(`${JSON.stringify(personId)}:${rest.slice(tab + 1)}`);
    });
    results.close();
    const datasets = (list: [string, DatasetSpill][]): void => {
      worldOut.write('{');
      list.forEach(([name, d], i) => {
        worldOut.write(`${i > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
        worldOut.copyFrom(d.spill.path);
        worldOut.write(']');
      });
      worldOut.write('}');
    };
    worldOut.write('],"sources":{"ministry":');
    datasets(ministry);
    worldOut.write(',"bigdata":');
    datasets(bigdata);
    worldOut.write(',"police":');
    datasets(police);
    worldOut.write(`,"civil":${JSON.stringify(world.sources.civil)},"health":`);
    datasets(health);
    worldOut.write(`},"faults":${JSON.stringify(world.faults)}}`);
    worldOut.close();

    // the expectation: counts, rejections, skips, results by personId, the catalogue
    const catalog = { scenarios: g.scenarioCounts, dirt: dirtCounts, outsiders: totalOutsiders };
    const expOut = new Out(`${paths.expected}.part`);
    expOut.write(`{"worldVersion":1,"seed":${JSON.stringify(s.seed)},"period":${JSON.stringify(s.period)},"asOf":${JSON.stringify(s.asOf)},"counts":${JSON.stringify(g.ledger.counts)},"rejections":[`);
    expOut.copyFrom(rejections.path);
    expOut.write('],"skips":[');
    expOut.copyFrom(skips.path);
    expOut.write('],"results":{');
    expOut.copyFrom(results.path);
    expOut.write(`},"catalog":${JSON.stringify(catalog)}}`);
    expOut.close();
    renameSync(`${paths.world}.part`, paths.world);
    renameSync(`${paths.expected}.part`, paths.expected);

    const records = Object.values(g.ledger.counts).reduce((n, c) => n + c.pulled, 0);
    return {
      paths, persons: s.persons, records, period: s.period, asOf: s.asOf,
      cities: police.map(([city]) => city), counts: g.ledger.counts, catalog,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
