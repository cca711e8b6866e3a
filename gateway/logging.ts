// The gateway's log: the hub's logger (lib/log.ts — JSON lines, secret paths redacted, identity
// numbers and names masked in every field and message), with the gateway's own secret values
// (LIFECERT_SECRET) replaced wherever they would appear in a line. fastify's request lines carry
// method, URL (masked like everything else) and address, never headers: the Authorization
// header holds a token.
import type { DestinationStream } from 'pino';
import { createLogger } from '../lib/log.ts';
import type { Logger, LogStream } from '../lib/log.ts';
import { REDACTED } from '../lib/mask.ts';

export interface GatewayLoggerOptions {
  /** default LIFECERT_LOG_LEVEL, else `info` */
  level?: string;
  /** where the lines go (default stderr, so stdout stays for what a command prints) */
  destination?: LogStream;
  /** secret values replaced wherever they would appear in a line (a secret has no field to be recognised by) */
  secrets?: readonly string[];
}

/** A destination that writes each line with the secret values replaced. */
function scrubbing(target: LogStream, secrets: readonly string[]): DestinationStream & { isTTY?: boolean } {
  return {
    // the terminal check of lib/log.ts (pretty lines on a terminal) looks through to the target
    isTTY: (target as { isTTY?: boolean }).isTTY,
    write(line: string) {
      target.write(secrets.reduce((text, secret) => text.split(secret).join(REDACTED), line));
    },
  };
}

export function createGatewayLogger(options: GatewayLoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((v) => v.length >= 4);
  const target = options.destination ?? process.stderr;
  return createLogger({
    level: options.level,
    destination: secrets.length === 0 ? target : scrubbing(target, secrets),
    bindings: { component: 'gateway' },
  });
}
