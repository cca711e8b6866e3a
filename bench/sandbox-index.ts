// npm run bench:sandbox-index [-- --world FILE] [--copies N] [--keep]
//
// The sandbox's world index alone (sandbox/world-index.ts), in a process of its own: the
// streaming pass over a world file (wall and CPU seconds, peak RSS, bytes of index per record),
// then every record of every dataset read back in pages of 500 as the simulators read them
// (records/s, no HTTP). `--copies N` first writes a synthetic world N times the size of FILE
// (default: the 100,000-person world in bench/.cache, ≈ 74 MB, so `--copies 100` ≈ 7 GB, the
// size of a 10,000,000-person world): its roster repeated, and every source record repeated
// with its id suffixed `-<copy>` and its update time moved by a pseudo-random number of seconds
// within a day (the serving order is re-sorted, as a real world needs). The synthetic file is
// written to the system temporary folder and removed after, unless `--keep`.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { environment, runBench } from './common.ts';

const USAGE = 'usage: npm run bench:sandbox-index [-- --world FILE] [--copies N] [--keep]';

interface Options {
  world: string;
  copies: number;
  keep: boolean;
}

interface ChildReport {
  records: number;
  rosterSize: number;
  datasets: number;
  indexBytes: number;
  indexWallS: number;
  indexCpuS: number;
  rssAfterIndexMiB: number;
  readRecords: number;
  readWallS: number;
  readCpuS: number;
  peakRssMiB: number;
}

const TIME_FIELDS = ['aae036', 'GXSJ', 'gxsj', 'updatedAt'];
const ID_FIELDS = ['recordId', 'JLID', 'id', 'certificateNo', 'vaccinationId', 'checkupId'];

function defaultWorld(): string {
  const cache = path.join(import.meta.dirname, '.cache');
  const dirs = fs.existsSync(cache) ? fs.readdirSync(cache).filter((d) => d.startsWith('world-100000-')) : [];
  const found = dirs.map((d) => path.join(cache, d, 'world.json')).find((f) => fs.existsSync(f));
  if (!found) throw new Error('no cached 100,000-person world in bench/.cache: run `npm run bench` once, or give --world FILE');
  return found;
}

/** Write `copies` copies of the world's roster and sources into one world file, streamed. */
function synthesize(file: string, copies: number, out: string): void {
  const bytes = fs.readFileSync(file);
  const world = JSON.parse(bytes.toString('utf8')) as {
    worldVersion: number;
    period: string;
    asOf: string;
    roster: unknown[];
    sources: Record<string, unknown>;
    faults?: unknown;
  };
  const fd = fs.openSync(out, 'w');
  const write = (text: string) => fs.writeSync(fd, text);
  try {
    write(`{"worldVersion":1,"period":${JSON.stringify(world.period)},"asOf":${JSON.stringify(world.asOf)},"roster":[`);
    const rosterText = world.roster.map((e) => JSON.stringify(e)).join(',');
    for (let k = 0; k < copies; k++) write(`${k > 0 ? ',' : ''}${rosterText}`);
    write('],"sources":{');
    let firstChannel = true;
    for (const [channel, value] of Object.entries(world.sources)) {
      write(`${firstChannel ? '' : ','}${JSON.stringify(channel)}:`);
      firstChannel = false;
      if (channel === 'civil') {
        write(JSON.stringify(value));
        continue;
      }
      write('{');
      let firstSet = true;
      for (const [name, rows] of Object.entries(value as Record<string, Array<Record<string, string>>>)) {
        write(`${firstSet ? '' : ','}${JSON.stringify(name)}:[`);
        firstSet = false;
        let first = true;
        let seed = 12345;
        for (let k = 0; k < copies; k++) {
          const parts: string[] = [];
          for (const row of rows) {
            const copy: Record<string, string> = { ...row };
            if (k > 0) {
              for (const f of ID_FIELDS) if (typeof copy[f] === 'string') copy[f] = `${copy[f]}-${k}`;
              seed = (seed * 1103515245 + 12345) >>> 0;
              for (const f of TIME_FIELDS) if (typeof copy[f] === 'string') copy[f] = shiftTime(copy[f], seed % 86400);
            }
            parts.push(JSON.stringify(copy));
          }
          if (parts.length > 0) write(`${first ? '' : ','}${parts.join(',')}`);
          if (parts.length > 0) first = false;
        }
        write(']');
      }
      write('}');
    }
    write(`},"faults":${JSON.stringify(world.faults ?? {})}}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS…` moved by `seconds`, in the same form; other forms unchanged. */
function shiftTime(value: string, seconds: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})([ T])(\d{2}):(\d{2}):(\d{2})(.*)$/.exec(value);
  if (!m) return value;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[5], +m[6], +m[7]) + seconds * 1000;
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)}${m[4]}${d.slice(11, 19)}${m[8]}`;
}

async function child(file: string): Promise<void> {
  const { indexWorldFile } = await import('../sandbox/world-index.ts');
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let t = performance.now();
  let c = cpu();
  const index = indexWorldFile(file);
  const indexWallS = (performance.now() - t) / 1000;
  const indexCpuS = cpu() - c;
  const rssAfterIndexMiB = process.memoryUsage().rss / 2 ** 20;
  t = performance.now();
  c = cpu();
  let readRecords = 0;
  for (const d of index.datasets.values()) {
    for (let from = 0; from < d.length; from += 500) {
      const to = Math.min(from + 500, d.length);
      if (d.jsonArray(from, to).length < 2) throw new Error('an empty page');
      readRecords += to - from;
    }
  }
  const report: ChildReport = {
    records: index.records,
    rosterSize: index.rosterSize,
    datasets: index.datasets.size,
    indexBytes: index.indexBytes,
    indexWallS,
    indexCpuS,
    rssAfterIndexMiB,
    readRecords,
    readWallS: (performance.now() - t) / 1000,
    readCpuS: cpu() - c,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  index.close();
  process.send?.(report);
}

function measure(file: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = fork(import.meta.filename, ['--child', file], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: ChildReport | undefined;
    p.on('message', (m) => {
      report = m as ChildReport;
    });
    p.on('exit', (code) => (report ? resolve(report) : reject(new Error(`the index process exited with ${code}`))));
  });
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

if (process.argv[2] === '--child') {
  void child(process.argv[3]);
} else {
  runBench<Options>(
    'bench:sandbox-index',
    USAGE,
    () => {
      const { values } = parseArgs({ options: { world: { type: 'string' }, copies: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean' } } });
      if (values.help) return null;
      const copies = values.copies === undefined ? 1 : Number(values.copies);
      if (!Number.isInteger(copies) || copies < 1) throw new Error(`--copies must be a whole number ≥ 1, got '${values.copies}'`);
      return { world: values.world ?? defaultWorld(), copies, keep: values.keep === true };
    },
    async (options, teardown) => {
      process.stdout.write(`${environment()}\nload average ${load()} at the start\n`);
      let file = options.world;
      if (options.copies > 1) {
        const out = path.join(os.tmpdir(), `lifecert-world-x${options.copies}-${process.pid}.json`);
        if (!options.keep) teardown.add('remove the synthetic world', () => fs.rmSync(out, { force: true }));
        const t = performance.now();
        synthesize(file, options.copies, out);
        process.stdout.write(`synthetic world: ${options.copies} copies of ${file} → ${out}, ${mib(fs.statSync(out).size)} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
        file = out;
      }
      const size = fs.statSync(file).size;
      const r = await measure(file);
      const lines = [
        `world file ${file}: ${mib(size)}, ${r.records.toLocaleString('en-US')} source records in ${r.datasets} datasets, roster ${r.rosterSize.toLocaleString('en-US')} (counted)`,
        `index: ${r.indexWallS.toFixed(1)} s wall, ${r.indexCpuS.toFixed(1)} s CPU, ${(size / 2 ** 20 / r.indexWallS).toFixed(0)} MiB/s; index ${mib(r.indexBytes)} (${(r.indexBytes / Math.max(1, r.records)).toFixed(1)} bytes a record); RSS after ${r.rssAfterIndexMiB.toFixed(0)} MiB`,
        `read back every record in pages of 500: ${r.readRecords.toLocaleString('en-US')} in ${r.readWallS.toFixed(1)} s wall, ${r.readCpuS.toFixed(1)} s CPU (${Math.round(r.readRecords / r.readWallS).toLocaleString('en-US')} records/s)`,
        `peak RSS of the index process: ${r.peakRssMiB.toFixed(0)} MiB`,
        `load average ${load()} at the end`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    },
  );
}
