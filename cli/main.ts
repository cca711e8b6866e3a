// The `lifecert` command line (api.md "Command line").
import { parseArgs } from 'node:util';
import { commands, type Command } from './commands.ts';

const USAGE = `lifecert — eligibility-certification data hub

Usage:
  lifecert demo [--world FILE] [--persons N] [--seed S] [--out DIR] [--database-url URL]
  lifecert sandbox generate --persons N [--seed S] [--out FILE] [--no-faults]
  lifecert sandbox --world FILE [--port P] [--host H] [--civil-dir DIR]
  lifecert migrate [--database-url URL]
  lifecert run --period YYYY-MM [--as-of YYYY-MM-DD] [--steps pull,match,publish] [--connectors a,b] [--database-url URL]
  lifecert export --period YYYY-MM [--format jsonl|csv] [--list results|reminders|worklists] [--out FILE]
                  [--database-url URL | --data-dir DIR] [--schema NAME]
  lifecert worker [--concurrency N] [--shard-concurrency N] [--lock-ms MS] [--stalled-interval-ms MS] [--page-size N]
                  [--prefix P] [--no-schedules] [--database-url URL]
  lifecert help

Environment: DATABASE_URL (unset: embedded PGlite in LIFECERT_DATA_DIR), LIFECERT_DATA_DIR (./data),
LIFECERT_CONFIG (./lifecert.config.json), REDIS_URL (redis://127.0.0.1:6379), LIFECERT_QUEUE_PREFIX (lifecert).`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command: Command | undefined = commands[name];
  if (!command) {
    process.stderr.write(`lifecert: unknown command '${name}'\n\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`lifecert ${name}: ${(err as Error).message}\n`);
    return 2;
  }
  return command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
}

const code = await main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as Error & { code?: string };
  process.stderr.write(`lifecert: ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
  if (process.env.LIFECERT_DEBUG) process.stderr.write(`${e.stack}\n`);
  return 1;
});
// Long-running commands (sandbox) never resolve; one-shot commands set the exit code.
process.exitCode = code;
