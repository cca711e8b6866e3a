// One entry per `lifecert` command; each parses nothing itself (main.ts does) and returns an exit code.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { workerCommand } from './worker.ts';
import { createError } from '../lib/errors.ts';
import { createLogger } from '../lib/log.ts';
import type { Logger } from '../lib/log.ts';
import { startRun } from './run-log.ts';
import { asSandbox } from './as-sandbox.ts';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
/** Parsed option values: a `multiple` option gives a list. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;
export interface Command {
  options: Record<string, OptionSpec>;
  run(values: OptionValues, positionals: string[]): Promise<number>;
}

export function str(values: OptionValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `${flag} must be a positive whole number, got '${value}'`);
  return n;
}

export function dataDir(): string {
  return process.env.LIFECERT_DATA_DIR ?? './data';
}

/** The command's logger: LIFECERT_LOG_FILE, else `fallbackFile` when given, else stderr. */
function commandLogger(fallbackFile?: string): Logger {
  const file = process.env.LIFECERT_LOG_FILE || fallbackFile;
  return createLogger(file ? { destination: file } : {});
}

const sandbox: Command = {
  options: {
    world: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'civil-dir': { type: 'string' },
    persons: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'no-faults': { type: 'boolean' },
    roster: { type: 'string' },
    'hub-config': { type: 'string' },
    'sandbox-url': { type: 'string' },
  },
  async run(values, positionals) {
    if (positionals[0] === 'generate') {
      const { generateWorld, writeWorld } = await import('../sandbox/generate.ts');
      const persons = positiveInt(str(values, 'persons'), '--persons', 2000);
      const seed = str(values, 'seed') ?? '1';
      const out = str(values, 'out') ?? 'world.json';
      const started = Date.now();
      const generated = await asSandbox(() => generateWorld({ persons, seed, faults: !values['no-faults'] }));
      const files = await asSandbox(() => writeWorld(generated, { world: out }));
      // for an installation on this world (the container setup): its roster as `lifecert roster import` reads it,
      // and a hub configuration pointing at the sandbox
      const rosterFile = str(values, 'roster');
      if (rosterFile) writeFileAtomic(rosterFile, generated.world.roster.map((e) => JSON.stringify(e)).join('\n') + '\n');
      const hubConfig = str(values, 'hub-config');
      if (hubConfig) {
        const { sandboxHubConfig } = await import('../sandbox/hub-sources.ts');
        const url = str(values, 'sandbox-url') ?? 'http://127.0.0.1:8001';
        writeFileAtomic(hubConfig, `${JSON.stringify(sandboxHubConfig(url, Object.keys(generated.world.sources.police ?? {})), null, 2)}\n`);
      }
      process.stdout.write(
        `generated ${persons} persons (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${[files.world, files.expected, rosterFile, hubConfig].filter(Boolean).join(', ')}\n`,
      );
      // a parent that forked us (the demo) learns the files and our peak memory
      if (process.send) {
        await new Promise<void>((resolve) => {
          process.send?.({ world: path.resolve(files.world), expected: path.resolve(files.expected), peakRssKiB: process.resourceUsage().maxRSS }, undefined, {}, () => resolve());
        });
      }
      return 0;
    }
    if (positionals.length > 0) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `unknown sandbox subcommand '${positionals[0]}'`);
    const worldFile = str(values, 'world');
    if (!worldFile) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--world FILE is required (or: lifecert sandbox generate --persons N)');
    const { indexWorldFile } = await import('../sandbox/world-index.ts');
    const { startSandbox } = await import('../sandbox/server.ts');
    const port = positiveIntOrZero(str(values, 'port'), 8001);
    // a world file of any size: indexed in one pass, its records read from disk as they are served
    const world = await asSandbox(() => indexWorldFile(worldFile));
    const civilDir = path.resolve(str(values, 'civil-dir') ?? path.join(dataDir(), 'sandbox-civil'));
    fs.mkdirSync(civilDir, { recursive: true });
    const sb = await asSandbox(() => startSandbox({ world, port, host: str(values, 'host') ?? '127.0.0.1', civilDir }));
    // a parent that forked us (the demo, the benchmarks) learns the address over IPC
    process.send?.({ url: sb.url });
    process.stdout.write(
      `sandbox serving ${world.records} records (a roster of ${world.rosterSize}) of period ${world.period} at ${sb.url}\n` +
        `  ministry   ${sb.url}/ministry/ws/cert?wsdl\n  bigdata    ${sb.url}/bigdata/api/v1/\n` +
        `  police     ${world.policeCities.map((c) => `${sb.url}/police/${c}`).join(' ')}\n` +
        `  health     ${sb.url}/health/v2/\n  provincial ${sb.url}/provincial/v1/cert-imports\n` +
        `  civil      ${civilDir}/inbox (outbox ${civilDir}/outbox)\n  control    ${sb.url}/_sandbox/received/<channel>\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        void sb.close().then(() => {
          world.close();
          // a parent that forked us hears our peak memory (benchmarks, the demo's summary)
          if (!process.send) return resolve();
          process.send({ stopped: true, peakRssKiB: process.resourceUsage().maxRSS }, undefined, {}, () => resolve());
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};

/** `ministry 17, bigdata 22 …; each once` — what the simulators received of the demo's feedback. */
function feedbackLine(received: Record<string, { items: number; feedbackIds: string[] }>): string {
  const entries = Object.entries(received).filter(([, r]) => r.items > 0);
  const total = entries.reduce((n, [, r]) => n + r.items, 0);
  const distinct = entries.reduce((n, [, r]) => n + new Set(r.feedbackIds).size, 0);
  return `delivered to the simulators: ${entries.map(([c, r]) => `${c} ${r.items}`).join(', ') || 'nothing'}; ${total === distinct ? 'each item once' : `${total - distinct} repeats`}`;
}

function positiveIntOrZero(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `--port must be 0..65535, got '${value}'`);
  return n;
}

const demo: Command = {
  options: {
    world: { type: 'string' },
    persons: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'database-url': { type: 'string' },
  },
  async run(values) {
    const { runDemo, DEMO_SCHEMA } = await import('./demo.ts');
    const out = str(values, 'out') ?? './demo-out';
    const persons = positiveInt(str(values, 'persons'), '--persons', 2000);
    // the terminal shows progress bars and the summary; the structured log goes to a file
    const logFile = process.env.LIFECERT_LOG_FILE || path.join(out, 'demo.log');
    const s = await runDemo({
      world: str(values, 'world'),
      persons,
      seed: str(values, 'seed') ?? '1',
      out,
      databaseUrl: str(values, 'database-url'),
      logger: commandLogger(logFile),
      logFile,
    });
    const totals = Object.values(s.counts).reduce((a, c) => ({ pulled: a.pulled + c.pulled, staged: a.staged + c.staged, rejected: a.rejected + c.rejected, skipped: a.skipped + c.skipped }), { pulled: 0, staged: 0, rejected: 0, skipped: 0 });
    const sec = (x: number) => `${x.toFixed(1)} s`;
    const mib = (kib: number | null) => (kib === null ? '?' : `${Math.round(kib / 1024)} MiB`);
    const dbUrl = str(values, 'database-url');
    const exportHint = dbUrl
      ? `npx lifecert export --period ${s.period} --database-url URL --schema ${DEMO_SCHEMA}`
      : `npx lifecert export --period ${s.period} --data-dir ${path.relative(process.cwd(), path.join(s.out, 'data')) || '.'}`;
    process.stdout.write(
      `\nlifecert demo: ${s.persons} persons decided in ${sec(s.seconds.total)} ` +
        `(world ${sec(s.seconds.world)}, sandbox and roster ${sec(s.seconds.sandbox)}, ingest ${sec(s.seconds.ingest)}, match ${sec(s.seconds.match)}, files ${sec(s.seconds.files)})\n` +
        `  records  pulled ${totals.pulled}, staged ${totals.staged}, rejected ${totals.rejected}, skipped ${totals.skipped}\n` +
        `  results  ${Object.entries(s.decisions).map(([k, v]) => `${k} ${v}`).join(', ')}; ${s.casesOpened} cases opened; ${s.reminders} to remind\n` +
        `  feedback ${feedbackLine(s.feedbackReceived)}\n` +
        `  mirror   ${s.database}   (again: ${exportHint})\n` +
        `  memory   peak RSS hub ${mib(s.peakRssKiB.hub)}, sandbox ${mib(s.peakRssKiB.sandbox)}` +
        `${s.peakRssKiB.generator === null ? '' : `, world generator ${mib(s.peakRssKiB.generator)}`}` +
        `${s.peakRssKiB.templateBuilder === null ? '' : `, database template builder ${mib(s.peakRssKiB.templateBuilder)} (once per PGlite version and migration set)`}\n` +
        `  files    ${s.files.join('\n           ')}\n`,
    );
    return 0;
  },
};

const migrateCommand: Command = {
  options: { 'database-url': { type: 'string' } },
  async run(values) {
    const { openDatabase, databaseOptionsFromEnv, migrate } = await import('../mirror/index.ts');
    const url = str(values, 'database-url');
    const db = await openDatabase(url ? { databaseUrl: url } : databaseOptionsFromEnv());
    try {
      const r = await migrate(db);
      process.stdout.write(`migrations applied: ${r.applied.length ? r.applied.join(', ') : 'none'} (${db.location})\n`);
    } finally {
      await db.close();
    }
    return 0;
  },
};

// api.md names the steps pull, match, publish, feedback. The match publishes each shard as it
// decides it (one transaction per shard), so `match` and `publish` are one step here.
const STEPS = ['pull', 'match', 'publish', 'feedback'] as const;

const run: Command = {
  options: {
    period: { type: 'string' },
    'as-of': { type: 'string' },
    steps: { type: 'string' },
    connectors: { type: 'string' },
    'database-url': { type: 'string' },
  },
  async run(values) {
    const period = str(values, 'period');
    if (!period || !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--period YYYY-MM is required');
    const { chinaDate } = await import('../lib/china-time.ts');
    // the as-of date is fixed when the run starts, never the clock in the middle of it
    const asOf = str(values, 'as-of') ?? chinaDate(Date.now());
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `--as-of must be YYYY-MM-DD, got '${asOf}'`);
    // feedback sends data out to the departments: asked for, never by default (as the API)
    const steps = (str(values, 'steps') ?? STEPS.filter((s) => s !== 'feedback').join(',')).split(',').map((x) => x.trim());
    for (const s of steps) {
      if (!(STEPS as readonly string[]).includes(s)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `unknown step '${s}' (available: ${STEPS.join(', ')})`);
    }
    const { loadDotEnv, loadHubConfig, buildConnectors } = await import('../config/index.ts');
    const { openDatabase, databaseOptionsFromEnv, migrate } = await import('../mirror/index.ts');
    loadDotEnv();
    const runId = `run-${period}-${Date.now()}`;
    const run = startRun(commandLogger().child({ runId }), { command: 'run', period, asOf, steps });
    try {
      const config = loadHubConfig(process.env.LIFECERT_CONFIG ?? './lifecert.config.json');
      const wanted = str(values, 'connectors')?.split(',').map((x) => x.trim());
      const configured = buildConnectors(config.sources);
      // --connectors limits the pull; feedback goes to every configured department
      const connectors = configured.filter((c) => !wanted || wanted.includes(c.channel));
      const url = str(values, 'database-url');
      const db = await openDatabase(url ? { databaseUrl: url } : databaseOptionsFromEnv());
      try {
        await run.step('migrate', () => migrate(db), (r) => ({ applied: r.applied }));
        if (steps.includes('pull')) {
          const { ingestAll } = await import('../pipeline/ingest.ts');
          const counts = await run.step('pull', () => ingestAll({ db, connectors, asOf, runId, log: run.log }), (c) => ({ datasets: Object.keys(c).length, counts: sumCounts(Object.values(c)) }));
          for (const [k, c] of Object.entries(counts)) process.stdout.write(`${k.padEnd(32)} pulled ${c.pulled} staged ${c.staged} rejected ${c.rejected} skipped ${c.skipped}\n`);
        }
        if (steps.includes('match') || steps.includes('publish')) {
          const { matchPeriod } = await import('../pipeline/match.ts');
          const s = await run.step('match', () => matchPeriod({ db, period, asOf, runId, openedAt: new Date().toISOString() }), (m) => ({ persons: m.persons, decisions: m.decisions, casesOpened: m.casesOpened }));
          process.stdout.write(
            `matched and published ${s.persons} persons: ${Object.entries(s.decisions).map(([k, v]) => `${k} ${v}`).join(', ')}; ${s.casesOpened} cases opened; ${s.reminders} to remind\n`,
          );
        }
        if (steps.includes('feedback')) {
          // what a worker's sweep does, without Redis: the REJECTED items of the rejections (verified
          // on the China date of each), then one delivery pass per channel with PENDING items
          const { storeRejectedFeedback } = await import('../feedback/deliver-rejected.ts');
          const { deliverPending } = await import('../feedback/deliver.ts');
          const { feedbackChannels } = await import('../feedback/channels/index.ts');
          const deliveries = await run.step(
            'feedback',
            async () => {
              await storeRejectedFeedback(db, (r) => chinaDate(Date.parse(r.createdAt)));
              return deliverPending(db, feedbackChannels(configured), { log: run.log });
            },
            (d) => ({ deliveries: d }),
          );
          for (const d of deliveries) {
            process.stdout.write(`feedback to ${d.channel.padEnd(12)} sent ${d.sent} failed ${d.failed}${d.waiting ? ` waiting (${d.error?.code ?? 'down'})` : ''}\n`);
          }
        }
      } finally {
        await db.close();
      }
    } catch (err) {
      run.fail(err);
      throw err;
    }
    run.end();
    return 0;
  },
};

const exportCommand: Command = {
  options: {
    period: { type: 'string' },
    format: { type: 'string' },
    list: { type: 'string' },
    out: { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    schema: { type: 'string' },
  },
  async run(values) {
    const period = str(values, 'period');
    if (!period || !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--period YYYY-MM is required');
    const { exportList, EXPORT_FORMATS, EXPORT_LISTS } = await import('../pipeline/export.ts');
    const format = str(values, 'format') ?? 'jsonl';
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${format}'`);
    const list = str(values, 'list') ?? 'results';
    if (!(EXPORT_LISTS as readonly string[]).includes(list)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `--list must be one of ${EXPORT_LISTS.join(', ')}, got '${list}'`);
    const { countResults, openDatabase, databaseOptionsFromEnv } = await import('../mirror/index.ts');
    const { loadDotEnv } = await import('../config/index.ts');
    loadDotEnv();
    const url = str(values, 'database-url');
    const dir = str(values, 'data-dir');
    const where = url ? { databaseUrl: url } : dir ? { dataDir: dir } : databaseOptionsFromEnv();
    // reading must not create an empty embedded mirror where there was none
    if (where.dataDir && !fs.existsSync(path.join(where.dataDir, 'pglite'))) {
      throw createError('LIFECERT_CLI_MIRROR_MISSING', `no embedded mirror in ${path.resolve(where.dataDir)} (set --data-dir, LIFECERT_DATA_DIR or DATABASE_URL)`);
    }
    const db = await openDatabase({ ...where, schema: str(values, 'schema') });
    const outFile = str(values, 'out');
    let count: number;
    try {
      const held = await countResults(db, period);
      if (held === null) throw createError('LIFECERT_CLI_RESULTS_MISSING', `the mirror (${db.location}) has no results table: run \`lifecert migrate\` and a match first`);
      if (held === 0) throw createError('LIFECERT_CLI_RESULTS_MISSING', `the mirror (${db.location}) holds no results for period ${period}`);
      const options = { period, list: list as 'results', format: format as 'jsonl' };
      if (outFile) {
        // written beside its place and renamed when complete: never a half-written export
        const partial = `${path.resolve(outFile)}.partial-${process.pid}`;
        const file = fs.createWriteStream(partial);
        try {
          count = await exportList(db, file, options);
          await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
          fs.renameSync(partial, outFile);
        } catch (err) {
          file.destroy();
          await once(file, 'close');
          fs.rmSync(partial, { force: true });
          throw err;
        }
      } else {
        count = await exportList(db, process.stdout, options);
      }
    } finally {
      await db.close();
    }
    process.stderr.write(`exported ${count} ${list} of ${period} as ${format}${outFile ? ` to ${outFile}` : ''} (${db.location})\n`);
    return 0;
  },
};

function sumCounts(all: readonly { pulled: number; staged: number; rejected: number; skipped: number }[]): { pulled: number; staged: number; rejected: number; skipped: number } {
  return all.reduce((a, c) => ({ pulled: a.pulled + c.pulled, staged: a.staged + c.staged, rejected: a.rejected + c.rejected, skipped: a.skipped + c.skipped }), { pulled: 0, staged: 0, rejected: 0, skipped: 0 });
}

const serve: Command = {
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run(values) {
    const { runServe } = await import('./serve.ts');
    const port = str(values, 'port');
    return runServe({ port: port === undefined ? undefined : Number(port), host: str(values, 'host') });
  },
};

const user: Command = {
  options: {
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    region: { type: 'string' },
    channel: { type: 'string' },
    'expires-in-days': { type: 'string' },
    'database-url': { type: 'string' },
  },
  async run(values, positionals) {
    const { runUserAdd, runUserToken } = await import('./user.ts');
    const name = str(values, 'name');
    if (!name) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--name is required');
    const days = str(values, 'expires-in-days');
    const expiresInDays = days === undefined ? undefined : positiveInt(days, '--expires-in-days', 90);
    const databaseUrl = str(values, 'database-url');
    if (positionals[0] === 'add') {
      const roles = Array.isArray(values.role) ? values.role : [];
      if (roles.length === 0) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', 'at least one --role is required');
      return runUserAdd({ name, roles, region: str(values, 'region'), channel: str(values, 'channel'), expiresInDays, databaseUrl });
    }
    if (positionals[0] === 'token') return runUserToken({ name, expiresInDays, databaseUrl });
    throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `unknown user subcommand '${positionals[0] ?? ''}' (add, token)`);
  },
};

const audit: Command = {
  options: { 'database-url': { type: 'string' } },
  async run(values, positionals) {
    if (positionals[0] !== 'verify') throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `unknown audit subcommand '${positionals[0] ?? ''}' (verify)`);
    const { runAuditVerify } = await import('./audit.ts');
    return runAuditVerify({ databaseUrl: str(values, 'database-url') });
  },
};

const roster: Command = {
  options: { format: { type: 'string' }, table: { type: 'string' }, 'database-url': { type: 'string' } },
  async run(values, positionals) {
    if (positionals[0] !== 'import' || positionals.length !== 2) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', 'usage: lifecert roster import FILE [--format csv|jsonl]');
    const { runRosterImport } = await import('./roster.ts');
    return runRosterImport(positionals[1], { format: str(values, 'format'), table: str(values, 'table'), databaseUrl: str(values, 'database-url') });
  },
};

const caseCommand: Command = {
  options: {
    outcome: { type: 'string' },
    evidence: { type: 'string', multiple: true },
    'verified-date': { type: 'string' },
    'death-date': { type: 'string' },
    'start-date': { type: 'string' },
    'end-date': { type: 'string' },
    'insurance-type': { type: 'string' },
    province: { type: 'string' },
    'false-events': { type: 'string' },
    area: { type: 'string' },
    period: { type: 'string' },
    status: { type: 'string' },
    overdue: { type: 'boolean' },
    'database-url': { type: 'string' },
  },
  async run(values, positionals) {
    const { runCaseClose, runCaseList, runCaseOnsite } = await import('./case.ts');
    const evidence = Array.isArray(values.evidence) ? values.evidence : [];
    const databaseUrl = str(values, 'database-url');
    const [sub, id] = positionals;
    if (sub === 'close' && id && positionals.length === 2) {
      return runCaseClose(id, {
        outcome: str(values, 'outcome'), evidence, verifiedDate: str(values, 'verified-date'), deathDate: str(values, 'death-date'), startDate: str(values, 'start-date'),
        endDate: str(values, 'end-date'), insuranceType: str(values, 'insurance-type'), province: str(values, 'province'), falseEvents: str(values, 'false-events'), databaseUrl,
      });
    }
    if (sub === 'onsite' && id && positionals.length === 2) return runCaseOnsite(id, { verifiedDate: str(values, 'verified-date'), evidence, databaseUrl });
    if (sub === 'list' && positionals.length === 1) {
      const status = str(values, 'status');
      if (status !== undefined && status !== 'OPEN' && status !== 'CLOSED') throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--status must be OPEN or CLOSED');
      return runCaseList({ area: str(values, 'area'), period: str(values, 'period'), status, overdue: values.overdue === true, databaseUrl });
    }
    throw createError('LIFECERT_CLI_ARGUMENT_INVALID', 'usage: lifecert case close CASE_ID --outcome O --evidence E [...] | case onsite PERSON_ID --verified-date D --evidence E | case list [--area A] [--overdue]');
  },
};

const batchCommand: Command = {
  options: {
    period: { type: 'string' },
    area: { type: 'string' },
    size: { type: 'string' },
    status: { type: 'string' },
    level: { type: 'string' },
    'database-url': { type: 'string' },
  },
  async run(values, positionals) {
    const { runBatchApprove, runBatchCut, runBatchList, runBatchRetry } = await import('./batch.ts');
    const databaseUrl = str(values, 'database-url');
    const [sub, id] = positionals;
    if (sub === 'cut' && positionals.length === 1) {
      const size = str(values, 'size');
      return runBatchCut({ period: str(values, 'period'), area: str(values, 'area'), size: size === undefined ? undefined : positiveInt(size, '--size', 2000), databaseUrl });
    }
    if (sub === 'list' && positionals.length === 1) return runBatchList({ area: str(values, 'area'), period: str(values, 'period'), status: str(values, 'status'), databaseUrl });
    if (sub === 'approve' && id && positionals.length === 2) return runBatchApprove(id, { level: str(values, 'level'), databaseUrl });
    if (sub === 'retry' && id && positionals.length === 2) return runBatchRetry(id, { databaseUrl });
    throw createError('LIFECERT_CLI_ARGUMENT_INVALID', 'usage: lifecert batch cut --period P --area COUNTY [--size N] | batch list [--area A] [--period P] [--status S] | batch approve BATCH_ID --level 1|2 | batch retry BATCH_ID');
  },
};

const adoptionCommand: Command = {
  options: { status: { type: 'string' }, area: { type: 'string' }, queue: { type: 'boolean' }, 'database-url': { type: 'string' } },
  async run(values, positionals) {
    const { runAdoptionList, runAdoptionSend } = await import('./adoption.ts');
    const databaseUrl = str(values, 'database-url');
    if (positionals[0] === 'send' && positionals.length === 1) return runAdoptionSend({ queue: values.queue === true, databaseUrl });
    if (positionals[0] === 'list' && positionals.length === 1) return runAdoptionList({ status: str(values, 'status'), area: str(values, 'area'), databaseUrl });
    throw createError('LIFECERT_CLI_ARGUMENT_INVALID', 'usage: lifecert adoption send [--queue] | adoption list --status due|overdue [--area A]');
  },
};

export const commands: Record<string, Command> = {
  sandbox, demo, migrate: migrateCommand, run, export: exportCommand, worker: workerCommand, serve, user, audit, roster, case: caseCommand, batch: batchCommand, adoption: adoptionCommand,
};

/** Writes a file whole or not at all (a temporary file renamed into place), creating its folder. */
function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
