// The gateway's log (workflow.md "Privacy"): pino JSON lines in which identity numbers are
// masked (and the known secrets replaced) wherever they appear (a URL such as /persons/{personId}/onsite, an error message),
// request headers are never written (the Authorization header holds a token), and fields that
// hold secrets are redacted.
// TODO(errors): build on lib/log.ts (the hub's one logger factory) when it lands.
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { maskIdentityNumbersIn } from '../lib/mask.ts';

export const REDACTED_PATHS = [
  'token', '*.token', 'secret', '*.secret', 'password', '*.password', 'authorization', '*.authorization',
  'headers.authorization', '*.headers.authorization', 'headers.cookie', '*.headers.cookie',
];

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
  id?: string;
}

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: string;
  stack?: string;
}

export interface GatewayLoggerOptions {
  /** pino level (default LIFECERT_LOG_LEVEL or `info`) */
  level?: string;
  /** where the JSON lines go (default stderr, so stdout stays for what a command prints) */
  destination?: DestinationStream;
  /** secret values (LIFECERT_SECRET, credentials) replaced wherever they would appear in text */
  secrets?: readonly string[];
}

export function createGatewayLogger(options: GatewayLoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((v) => v.length >= 4);
  const clean = (text: string): string => maskIdentityNumbersIn(secrets.reduce((t, v) => t.split(v).join('[redacted]'), text));
  return pino(
    {
      level: options.level ?? process.env.LIFECERT_LOG_LEVEL ?? 'info',
      base: { service: 'lifecert-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: RequestLike) => ({ method: req.method, url: clean(req.url ?? ''), remoteAddress: req.ip }),
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
        err: (err: ErrorLike) => ({
          type: err.name,
          code: typeof err.code === 'string' ? err.code : undefined,
          message: clean(err.message ?? ''),
          stack: err.stack === undefined ? undefined : clean(err.stack),
        }),
      },
      hooks: {
        // the message text of every line: an identity number in it is masked
        logMethod(args, method) {
          const masked = args.map((a: unknown) => (typeof a === 'string' ? clean(a) : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}
