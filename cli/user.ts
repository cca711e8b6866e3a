// `lifecert user add` / `lifecert user token`: the first administrator (and any later user)
// from the command line, with the same rules and audit entries as POST /api/v1/users. The
// token goes to stdout alone, once (TOKEN=$(lifecert user add ...)); the rest to stderr.
import os from 'node:os';
import { loadDotEnv } from '../config/index.ts';
import { createError } from '../lib/errors.ts';
import { requireSecret } from '../gateway/tokens.ts';
import { createUser, DEFAULT_TOKEN_DAYS, issueToken } from '../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../lib/working-calendar.ts';
import { databaseOptionsFromEnv, findUserByName, migrate, openDatabase } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';

export interface UserCommandOptions {
  name: string;
  roles: string[];
  region?: string;
  channel?: string;
  expiresInDays?: number;
  databaseUrl?: string;
}

/** Who ran the command, for the audit log. */
export function cliActor(): string {
  let who = 'unknown';
  try {
    who = os.userInfo().username;
  } catch {
    // no passwd entry (some containers): the audit still says it came from the command line
  }
  return `cli:${who}`;
}

async function withAdminContext<T>(databaseUrl: string | undefined, fn: (db: Db, secret: string) => Promise<T>): Promise<T> {
  loadDotEnv();
  const secret = requireSecret();
  const db = await openDatabase(databaseUrl ? { databaseUrl } : databaseOptionsFromEnv());
  try {
    await migrate(db);
    return await fn(db, secret);
  } finally {
    await db.close();
  }
}

function print(expiresAt: string, token: string): void {
  process.stderr.write(`token (shown this once; only its hash is kept), valid until ${expiresAt}:\n`);
  process.stdout.write(`${token}\n`);
}

export async function runUserAdd(options: UserCommandOptions): Promise<number> {
  if (options.region === undefined) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--region CODE is required (44, 4401, 440106)');
  const region = options.region;
  return withAdminContext(options.databaseUrl, async (db, secret) => {
    const ctx = { db, secret, now: Date.now, calendar: loadWorkingCalendar() };
    const actor = cliActor();
    const user = await createUser(ctx, { name: options.name, roles: options.roles, region, channel: options.channel ?? null }, actor);
    const issued = await issueToken(ctx, user.userId, options.expiresInDays ?? DEFAULT_TOKEN_DAYS, actor);
    process.stderr.write(`user ${user.userId} '${user.name}': ${user.roles.join(', ')} of region ${user.region}${user.channel ? `, channel ${user.channel}` : ''} (${db.location})\n`);
    print(issued.expiresAt, issued.token);
    return 0;
  });
}

export async function runUserToken(options: Pick<UserCommandOptions, 'name' | 'expiresInDays' | 'databaseUrl'>): Promise<number> {
  return withAdminContext(options.databaseUrl, async (db, secret) => {
    const user = await findUserByName(db, options.name);
    if (user === null) throw createError('LIFECERT_API_USER_NOT_FOUND', `no user named '${options.name}'`);
    const issued = await issueToken({ db, secret, now: Date.now, calendar: loadWorkingCalendar() }, user.userId, options.expiresInDays ?? DEFAULT_TOKEN_DAYS, cliActor());
    process.stderr.write(`new token ${issued.tokenId} for user ${user.userId} '${user.name}'\n`);
    print(issued.expiresAt, issued.token);
    return 0;
  });
}
