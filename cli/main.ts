// The `lifecert` command line (api.md "Command line").
import { parseArgs } from 'node:util';
import { commands, type Command, type OptionValues } from './commands.ts';
import { createError, describeError } from '../lib/errors.ts';
import { maskText } from '../lib/mask.ts';

const USAGE = `lifecert — eligibility-certification data hub

Usage:
  lifecert demo [--world FILE] [--persons N] [--seed S] [--out DIR] [--database-url URL]
  lifecert sandbox generate --persons N [--seed S] [--out FILE] [--no-faults] [--roster FILE]
                           [--hub-config FILE --sandbox-url URL]
  lifecert sandbox --world FILE [--port P] [--host H] [--civil-dir DIR]
  lifecert migrate [--database-url URL]
  lifecert run --period YYYY-MM [--as-of YYYY-MM-DD] [--steps pull,match,publish[,feedback]] [--connectors a,b] [--database-url URL]
  lifecert export --period YYYY-MM [--format jsonl|csv] [--list results|reminders|worklists] [--out FILE]
                  [--database-url URL | --data-dir DIR] [--schema NAME]
  lifecert worker [--concurrency N] [--shard-concurrency N] [--lock-ms MS] [--stalled-interval-ms MS] [--page-size N]
                  [--prefix P] [--no-schedules] [--database-url URL]
  lifecert serve [--port P] [--host H]
  lifecert user add --name N --role R [--role R2] --region CODE [--channel C] [--expires-in-days D]
  lifecert user token --name N [--expires-in-days D]
  lifecert audit verify
  lifecert roster import FILE [--format csv|jsonl]
  lifecert case close CASE_ID --outcome CONFIRMED_ALIVE|CONFIRMED_DEAD|CONFIRMED_IMPRISONED|CONFIRMED_DUPLICATE --evidence E [--evidence E2]
                  [--verified-date D] [--death-date D] [--start-date D] [--end-date D] [--insurance-type T] [--province P]
                  [--false-events JSON|@FILE]
  lifecert case onsite PERSON_ID --verified-date D --evidence E
  lifecert case list [--area CODE] [--period P] [--status OPEN|CLOSED] [--overdue]
  lifecert batch cut --period P --area COUNTY [--size N]
  lifecert batch list [--area CODE] [--period P] [--status OPEN|APPROVED_L1|IMPORTING|IMPORTED|IMPORT_FAILED|STALE]
  lifecert batch approve BATCH_ID --level 1|2      (as cli:<os user>; level 2 queues the import on REDIS_URL)
  lifecert batch retry BATCH_ID                    (an IMPORT_FAILED batch, the same batch id)
  lifecert adoption send [--queue]                 (SubmitFeedback now through the configured ministry; --queue: by the workers)
  lifecert adoption list --status due|overdue [--area CODE]
  lifecert help

Environment: DATABASE_URL (unset: embedded PGlite in LIFECERT_DATA_DIR), LIFECERT_DATA_DIR (./data),
LIFECERT_CONFIG (./lifecert.config.json), REDIS_URL (redis://127.0.0.1:6379), LIFECERT_QUEUE_PREFIX (lifecert),
PORT (8080), HOST (127.0.0.1), LIFECERT_SECRET (serve and user refuse to start without it),
LIFECERT_LOG_LEVEL (info), LIFECERT_LOG_FORMAT (json|pretty; pretty on a terminal), LIFECERT_LOG_FILE (logs
go to stderr; the demo's to <out>/demo.log).

Errors print as \`lifecert: <code>: <message>\`; docs/errors.md lists the codes.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command: Command | undefined = commands[name];
  if (!command) {
    printError('lifecert', createError('LIFECERT_CLI_COMMAND_UNKNOWN', `unknown command '${name}'`));
    process.stderr.write(`\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    printError(`lifecert ${name}`, createError('LIFECERT_CLI_ARGUMENT_INVALID', (err as Error).message, { cause: err }));
    return 2;
  }
  return command.run(parsed.values as OptionValues, parsed.positionals);
}

/** `<prefix>: <code>: <message>`; the message may quote a source's answer or a roster entry, so it is masked like a log line. */
function printError(prefix: string, err: unknown): void {
  const { code, message } = describeError(err, 'LIFECERT_CLI_UNEXPECTED');
  process.stderr.write(`${prefix}: ${code}: ${maskText(message)}\n`);
  if (process.env.LIFECERT_DEBUG && err instanceof Error) process.stderr.write(`${maskText(String(err.stack))}\n`);
}

const code = await main(process.argv.slice(2)).catch((err: unknown) => {
  printError('lifecert', err);
  return 1;
});
// Long-running commands (sandbox) never resolve; one-shot commands set the exit code.
process.exitCode = code;
