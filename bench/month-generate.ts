// The world generation of `npm run bench` (bench/month.ts), in a process of its own so that its
// time and peak RSS are the generator's alone: the streamed generator (generateWorldFiles) with
// the monthly mix, faults off, into a folder of bench/.cache. Also a command of its own, to
// measure the generator at any size:
//   npx node bench/month-generate.ts --persons 1000000 [--seed 1] [--out DIR] [--mix month|catalogue]
// prints the time, CPU seconds and peak RSS (and the files' sizes), and removes DIR unless --keep;
// --progress prints a line every 10 s. bench/month.ts runs it with --max-old-space-size=384: the
// generator's live heap stays near 50 MB whatever the size, and the cap keeps V8 from letting
// garbage pile up to the machine's default heap limit (its RSS then grows with the allocation rate).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateWorldFiles, type Mix } from '../sandbox/generate.ts';

export interface GenerateConfig {
  persons: number;
  seed: string;
  mix: Mix;
  dir: string;
}

export interface GenerateResult {
  worldFile: string;
  expectedFile: string;
  period: string;
  asOf: string;
  cities: string[];
  records: number;
  worldBytes: number;
  expectedBytes: number;
  seconds: number;
  cpuSeconds: number;
  peakRssKiB: number;
}

export function generateMonthWorld(config: GenerateConfig, progress?: (done: number, persons: number) => void): GenerateResult {
  const started = performance.now();
  const w = generateWorldFiles({ persons: config.persons, seed: config.seed, faults: false, mix: config.mix }, { dir: config.dir }, { onProgress: progress });
  const cpu = process.cpuUsage();
  return {
    worldFile: w.paths.world,
    expectedFile: w.paths.expected,
    period: w.period,
    asOf: w.asOf,
    cities: w.cities,
    records: w.records,
    worldBytes: fs.statSync(w.paths.world).size,
    expectedBytes: fs.statSync(w.paths.expected).size,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssKiB: process.resourceUsage().maxRSS,
  };
}

if (process.send && process.argv[2]) {
  // forked by bench/month.ts
  const config = JSON.parse(process.argv[2]) as GenerateConfig;
  try {
    const result = generateMonthWorld(config);
    process.send({ kind: 'result', result });
  } catch (err) {
    process.send({ kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
  }
  process.disconnect();
} else if (import.meta.main) {
  const { values } = parseArgs({
    options: { persons: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, mix: { type: 'string' }, keep: { type: 'boolean' }, progress: { type: 'boolean' } },
    strict: true,
  });
  const persons = Number(values.persons ?? '100000');
  const mix = (values.mix ?? 'month') as Mix;
  const dir = values.out ? path.resolve(values.out) : fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-generate-'));
  const load = os.loadavg()[0];
  let last = 0;
  const t0 = performance.now();
  const r = generateMonthWorld({ persons, seed: values.seed ?? '1', mix, dir }, (done, total) => {
    if (performance.now() - last > 10_000 && (process.stderr.isTTY || values.progress)) {
      last = performance.now();
      const cpu = process.cpuUsage();
      process.stderr.write(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} persons, ${(performance.now() - t0) / 1000 | 0} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, load ${os.loadavg()[0].toFixed(1)}\n`);
    }
  });
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  process.stdout.write(`generated ${persons.toLocaleString('en-US')} persons (mix ${mix}, streamed): ${r.records.toLocaleString('en-US')} records (${(r.records / persons).toFixed(2)} per person); `
    + `${r.seconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s, peak RSS ${(r.peakRssKiB / 1024).toFixed(0)} MiB; world ${mib(r.worldBytes)} MiB, expectation ${mib(r.expectedBytes)} MiB; `
    + `load average ${load.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after\n`);
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
