// The embedded Node-RED: its editor and admin API at /flows inside `lifecert serve`, its
// runtime running the flows. No second user list: the editor's login is the gateway's users —
// a user with the `integrator` role logs in with their name and an API token of theirs (or
// sends the token as a bearer token to the admin API). Node-RED's encrypted credentials are
// keyed from LIFECERT_SECRET; its flow file and sessions live in a configured folder (default
// under LIFECERT_DATA_DIR), never a home directory; every deploy goes to the audit log.
//
// Node-RED is one runtime per process (its module is a singleton): one embedding at a time.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';
import { createError } from '../lib/errors.ts';
import { findTokenByHash, findUserByName, recordAudit } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { User } from '../schemas/access.ts';
import type { AuditClock } from './audit-trail.ts';
import { auditEntry } from './audit-trail.ts';
import type { RawMount } from './server.ts';
import { TOKEN_PATTERN, tokenHash } from './tokens.ts';

/** Where the editor and its admin API are served. */
export const FLOWS_PREFIX = '/flows';
/** Where the flows' own `http in` endpoints are served. */
export const FLOWS_HTTP_PREFIX = '/flows-http';
/** The role whose users may open the editor and deploy. */
export const EDITOR_ROLE = 'integrator';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The part of Node-RED's embedding API used here. */
interface RedModule {
  init(server: Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: Handler;
  httpNode: Handler;
  events: { once(event: string, listener: (...args: unknown[]) => void): void };
}

/** A Node-RED log message (its logging API). */
interface RedLogMessage {
  level: number;
  msg?: unknown;
  type?: string;
  id?: string;
  name?: string;
  event?: string;
  user?: { username?: string; userId?: string };
  path?: string;
  ip?: string;
  [key: string]: unknown;
}

export interface NodeRedOptions {
  db: Db;
  /** LIFECERT_SECRET: keys the token hashes and, derived, Node-RED's credentials */
  secret: string;
  /** the folder of the flow file, its credentials and the editor sessions */
  userDir: string;
  /** the package that declares the lifecert nodes in package.json → node-red */
  nodesPackageDir: string;
  logger: Logger;
  clock: AuditClock;
  /** handed to the nodes as `RED.settings.lifecert` (the hub's mirror, Redis) */
  runtime: Record<string, unknown>;
  /** the flow file's name in userDir (default flows.json) */
  flowFile?: string;
}

export interface EmbeddedNodeRed {
  /** the editor + admin API and the http-in endpoints, for createGateway's `mounts` */
  mounts: RawMount[];
  /** Node-RED on the gateway's HTTP server (before it listens): the websocket of the editor */
  init(server: Server): void;
  /** starts the runtime and resolves when the flows run */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Node-RED's credential key: derived from LIFECERT_SECRET, so the token key itself is never used twice. */
export function credentialSecretOf(secret: string): string {
  return createHmac('sha256', secret).update('lifecert node-red credentials').digest('hex');
}

const LEVELS: Record<number, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> = { 10: 'fatal', 20: 'error', 30: 'warn', 40: 'info', 50: 'debug', 60: 'trace' };
const DEPLOY_EVENTS = new Set(['flows.set', 'flow.add', 'flow.update', 'flow.remove']);

/** What the editor knows of a user: the name it shows, all permissions, and the hub's user id for the audit log. */
function editorUser(user: User): { username: string; permissions: string; userId: string } {
  return { username: user.name, permissions: '*', userId: user.userId };
}

export function createNodeRed(options: NodeRedOptions): EmbeddedNodeRed {
  const require = createRequire(import.meta.url);
  const RED = require('node-red') as RedModule;
  const { db, secret, logger, clock } = options;
  const log = logger.child({ component: 'node-red' });
  try {
    fs.mkdirSync(options.userDir, { recursive: true });
    fs.accessSync(options.userDir, fs.constants.W_OK);
  } catch (err) {
    throw createError('LIFECERT_FLOWS_SETTINGS_INVALID', `the Node-RED folder ${options.userDir} cannot be written`, { cause: err });
  }

  const integrator = async (name: string): Promise<User | null> => {
    const user = await findUserByName(db, name);
    return user !== null && user.roles.includes(EDITOR_ROLE) ? user : null;
  };
  /** A token of the hub's that is live and belongs to an integrator. */
  const byToken = async (token: string): Promise<User | null> => {
    if (!TOKEN_PATTERN.test(token)) return null;
    const found = await findTokenByHash(db, tokenHash(secret, token));
    if (found === null || found.token.revokedAt !== null || Date.parse(found.token.expiresAt) <= clock.now()) return null;
    return found.user.roles.includes(EDITOR_ROLE) ? found.user : null;
  };

  const audit = (msg: RedLogMessage): void => {
    if (!msg.event || !DEPLOY_EVENTS.has(msg.event) || msg.error !== undefined) return;
    const actor = msg.user?.userId ? `user:${msg.user.userId}` : `node-red:${msg.user?.username ?? 'unknown'}`;
    const details: Record<string, unknown> = { event: msg.event, path: msg.path ?? null, ip: msg.ip ?? null };
    if (typeof msg.type === 'string') details.deploymentType = msg.type;
    if (typeof msg.id === 'string') details.flowId = msg.id;
    void recordAudit(db, auditEntry(clock, actor, 'flows.deploy', 'flows', details)).catch((err: unknown) => {
      log.error({ err: createError('LIFECERT_FLOWS_AUDIT_FAILED', `deploy by ${actor} not written to the audit log`, { cause: err }), details }, 'audit of a deploy failed');
    });
  };

  const settings: Record<string, unknown> = {
    userDir: options.userDir,
    flowFile: options.flowFile ?? 'flows.json',
    flowFilePretty: true,
    credentialSecret: credentialSecretOf(secret),
    httpAdminRoot: `${FLOWS_PREFIX}/`,
    httpNodeRoot: `${FLOWS_HTTP_PREFIX}/`,
    // the lifecert nodes, declared by the package's package.json → node-red (and its examples/)
    nodesDir: [options.nodesPackageDir],
    adminAuth: {
      type: 'credentials',
      users: async (name: string) => {
        const user = await integrator(name);
        return user ? editorUser(user) : null;
      },
      // the password is an API token of the same user
      authenticate: async (name: string, password: string) => {
        const user = await byToken(password);
        return user !== null && user.name === name ? editorUser(user) : null;
      },
      // `Authorization: Bearer lct_…` works on the admin API as it does on the REST API
      tokens: async (token: string) => {
        const user = await byToken(token);
        return user ? editorUser(user) : null;
      },
    },
    logging: {
      lifecert: {
        level: 'info',
        audit: true,
        metrics: false,
        handler: () => (msg: RedLogMessage) => {
          if (msg.level === 98) return audit(msg);
          const level = LEVELS[msg.level];
          if (!level) return;
          const text = msg.msg instanceof Error ? msg.msg.message : typeof msg.msg === 'string' ? msg.msg : JSON.stringify(msg.msg);
          log[level]({ node: msg.type ? { type: msg.type, id: msg.id, name: msg.name } : undefined }, text);
        },
      },
    },
    editorTheme: {
      page: { title: 'lifecert flows' },
      header: { title: 'lifecert flows' },
      projects: { enabled: false },
      tours: false,
      codeEditor: { lib: 'monaco' },
    },
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
    functionExternalModules: false,
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
    lifecert: options.runtime,
  };

  let started = false;
  return {
    mounts: [
      { prefix: FLOWS_PREFIX, handler: (req, res) => RED.httpAdmin(req, res) },
      { prefix: FLOWS_HTTP_PREFIX, handler: (req, res) => RED.httpNode(req, res) },
    ],
    init(server) {
      RED.init(server, settings);
    },
    async start() {
      const running = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
      await RED.start();
      await running;
      started = true;
      log.info({ userDir: options.userDir }, `Node-RED editor at ${FLOWS_PREFIX}/ (flows in ${path.join(options.userDir, String(settings.flowFile))})`);
    },
    async stop() {
      if (!started) return;
      started = false;
      await RED.stop();
    },
  };
}
