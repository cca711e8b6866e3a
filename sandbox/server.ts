// The sandbox: every source simulator and the control API on one HTTP port (sandbox.md
// "Addresses"), serving one world file through each source's real protocol.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BigdataSimulator, BIGDATA_PREFIX } from './bigdata.ts';
import { CivilDrop } from './civil.ts';
import { FaultBoard, FaultPatchError } from './faults.ts';
import { HEALTH_ID_FIELDS, HEALTH_PREFIX, HealthSimulator } from './health.ts';
import { codeError, HttpError, isPlainObject, isSourceRow, parseJsonBody, readBody, sendError, sendJson, type SandboxRequest } from './http.ts';
import { MINISTRY_PATH, MinistrySimulator } from './ministry.ts';
import { policeCities, PoliceSimulator, POLICE_PREFIX } from './police.ts';
import { PROVINCIAL_PATH, ProvincialSimulator } from './provincial.ts';
import { ReceivedLog, type ReceivedRequest } from './received-log.ts';
import { isWorldIndex, servedFromIndex, servedFromMemory } from './served-world.ts';
import { NotNewerError, WorldDataError } from './sorted-records.ts';
import type { WorldIndex } from './world-index.ts';
import type { CivilFile, SourceRow, World } from './world.ts';

export interface SandboxOptions {
  /**
   * The world: held in memory, or a world file indexed on disk (`indexWorldFile`), whose records
   * are read on demand; the caller closes the index after the sandbox.
   */
  world: World | WorldIndex;
  /** TCP port; 0 (the default) picks a free one */
  port?: number;
  /** interface to bind; default 127.0.0.1 (the control API has no authentication) */
  host?: string;
  /** the civil file drop: inbox at `${civilDir}/inbox`, outbox at `${civilDir}/outbox` */
  civilDir: string;
  /** the sandbox clock in epoch ms (timestamps, nonces, token expiry); default Date.now */
  now?: () => number;
}

export interface Sandbox {
  /** base URL, e.g. `http://127.0.0.1:8001` */
  readonly url: string;
  readonly port: number;
  readonly civilDir: string;
  readonly inboxDir: string;
  readonly outboxDir: string;
  /** What a channel received (`ministry`, `bigdata`, `police-<city4>`, `civil`, `health`, `provincial`). */
  received(channel: string): ReceivedRequest[];
  /** Same as POST /_sandbox/faults. */
  setFaults(patch: unknown): void;
  /** Same as PUT /_sandbox/records/<channel>/<dataset>/<recordId>. */
  putRecord(channel: string, dataset: string, recordId: string, row: SourceRow): 'replaced' | 'added';
  /** Re-deliver (or newly deliver) a civil file: delete `.ok`, rewrite the CSV, write `.ok`. */
  deliverCivilFile(file: CivilFile): void;
  close(): Promise<void>;
}

const RECORD_ID_FIELDS: Record<string, string> = { ministry: 'recordId', bigdata: 'JLID', police: 'id' };

/** Start every simulator for `world` on one port; resolves once the port is listening. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const world = isWorldIndex(options.world) ? servedFromIndex(options.world) : servedFromMemory(options.world);
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const log = new ReceivedLog(now);
  const faults = new FaultBoard(world.faults, policeCities(world));
  const ministry = new MinistrySimulator(world, faults, log, now);
  const bigdata = new BigdataSimulator(world, faults, log, now);
  const police = new PoliceSimulator(world, faults, log, now);
  const health = new HealthSimulator(world, faults, log);
  const provincial = new ProvincialSimulator(faults, log, now);
  const civil = new CivilDrop(options.civilDir);
  const civilFiles = new Map<string, CivilFile>();
  for (const file of world.civil) {
    civil.deliver(file);
    civilFiles.set(file.name, file);
  }

  const received = (channel: string): ReceivedRequest[] => {
    if (channel === 'civil') return civil.readOutbox();
    const known = ['ministry', 'bigdata', 'health', 'provincial', ...[...police.cities.keys()].map((c) => `police-${c}`)];
    if (!known.includes(channel)) throw codeError(404, 'NOT_FOUND', `unknown channel '${channel}' (${[...known, 'civil'].join(', ')})`);
    return log.list(channel);
  };

  const deliverCivilFile = (file: CivilFile): void => {
    civil.deliver(file);
    civilFiles.set(file.name, file);
  };

  const putRecord = (channel: string, dataset: string, recordId: string, row: SourceRow): 'replaced' | 'added' => {
    const cityMatch = /^police-(\d{4})$/.exec(channel);
    const idField =
      channel === 'health' ? HEALTH_ID_FIELDS[dataset as keyof typeof HEALTH_ID_FIELDS] : RECORD_ID_FIELDS[cityMatch ? 'police' : channel];
    if (idField === undefined) {
      throw codeError(404, 'NOT_FOUND', `no records at ${channel}/${dataset} (channels: ministry, bigdata, police-<city4>, health, civil)`);
    }
    const record = { ...row };
    if (record[idField] === undefined) record[idField] = recordId;
    if (record[idField] !== recordId) throw codeError(400, 'INVALID_PARAM', `the record's ${idField} '${record[idField]}' differs from '${recordId}' in the path`);
    if (channel === 'ministry') {
      if (record.dataType !== undefined && record.dataType !== dataset) {
        throw codeError(400, 'INVALID_PARAM', `the record's dataType '${record.dataType}' differs from '${dataset}' in the path`);
      }
      try {
        return ministry.putRecord(dataset, record);
      } catch (err) {
        if (err instanceof RangeError) throw codeError(404, 'NOT_FOUND', err.message);
        throw err;
      }
    }
    if (channel === 'bigdata') return bigdata.putRecord(dataset, record);
    if (channel === 'health') return health.putRecord(dataset, record);
    return police.putRecord((cityMatch as RegExpExecArray)[1], dataset, record);
  };

  const control = (req: SandboxRequest, res: http.ServerResponse): void => {
    const segments = req.path.split('/').slice(2).map(decodeSegment);
    const [area, ...rest] = segments;
    if (area === 'received' && rest.length === 1 && req.method === 'GET') return sendJson(res, 200, received(rest[0]));
    if (area === 'faults' && rest.length === 0 && req.method === 'GET') return sendJson(res, 200, faults.snapshot());
    if (area === 'faults' && rest.length === 0 && req.method === 'POST') {
      faults.apply(parseJsonBody(req));
      return sendJson(res, 200, faults.snapshot());
    }
    if (area === 'records' && req.method === 'PUT' && rest[0] === 'civil' && (rest.length === 2 || rest.length === 3)) {
      const file = civilFileFromBody(rest[1], parseJsonBody(req), civilFiles.get(rest[1]));
      const existed = civilFiles.has(file.name);
      deliverCivilFile(file);
      return sendJson(res, existed ? 200 : 201, { status: existed ? 'redelivered' : 'delivered', file: file.name, complete: file.complete !== false });
    }
    if (area === 'records' && req.method === 'PUT' && rest.length === 3) {
      const body = parseJsonBody(req);
      if (!isSourceRow(body)) throw codeError(400, 'INVALID_PARAM', 'the record must be a JSON object of string values, as the source sends it');
      const status = putRecord(rest[0], rest[1], rest[2], body);
      return sendJson(res, status === 'added' ? 201 : 200, { status });
    }
    throw codeError(404, 'NOT_FOUND', `no control resource ${req.method} ${req.path}`);
  };

  const route = (req: SandboxRequest, res: http.ServerResponse): void => {
    const p = req.path;
    if (p === BIGDATA_PREFIX || p.startsWith(`${BIGDATA_PREFIX}/`)) return bigdata.handle(req, res);
    if (p.startsWith(POLICE_PREFIX)) return police.handle(req, res);
    if (p === HEALTH_PREFIX || p.startsWith(`${HEALTH_PREFIX}/`)) return health.handle(req, res);
    if (p === PROVINCIAL_PATH || p.startsWith('/provincial/')) return provincial.handle(req, res);
    if (p.startsWith('/_sandbox/')) return control(req, res);
    throw codeError(404, 'NOT_FOUND', `nothing is served at ${p}`);
  };

  const server = http.createServer((incoming, res) => {
    void (async () => {
      try {
        const raw = incoming.url ?? '/';
        const q = raw.indexOf('?');
        const req: SandboxRequest = {
          method: (incoming.method ?? 'GET').toUpperCase(),
          path: q < 0 ? raw : raw.slice(0, q),
          rawQuery: q < 0 ? '' : raw.slice(q + 1),
          headers: incoming.headers,
          body: await readBody(incoming),
        };
        route(req, res);
      } catch (err) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendError(res, asHttpError(err));
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  try {
    await ministry.listen(server, `${url}${MINISTRY_PATH}`);
  } catch (err) {
    server.close();
    throw err;
  }

  return {
    url,
    port,
    civilDir: civil.civilDir,
    inboxDir: civil.inboxDir,
    outboxDir: civil.outboxDir,
    received,
    setFaults: (patch) => faults.apply(patch),
    putRecord,
    deliverCivilFile,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** PUT body for a civil file: `{"text", "encoding"?, "complete"?}`; encoding defaults to the file's previous one, else GBK. */
function civilFileFromBody(name: string, body: unknown, previous: CivilFile | undefined): CivilFile {
  if (!isPlainObject(body) || typeof body.text !== 'string') {
    throw codeError(400, 'INVALID_PARAM', 'the body must be {"text": "<CSV text>", "encoding"?: "gbk"|"utf8-bom", "complete"?: true|false}');
  }
  const encoding = body.encoding ?? previous?.encoding ?? 'gbk';
  if (encoding !== 'gbk' && encoding !== 'utf8-bom') throw codeError(400, 'INVALID_PARAM', 'encoding must be gbk or utf8-bom');
  if (body.complete !== undefined && typeof body.complete !== 'boolean') throw codeError(400, 'INVALID_PARAM', 'complete must be true or false');
  return { name, encoding, text: body.text, complete: body.complete ?? true };
}

function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof NotNewerError) return codeError(409, 'NOT_NEWER', err.message);
  if (err instanceof WorldDataError || err instanceof FaultPatchError) return codeError(400, 'INVALID_PARAM', err.message);
  return codeError(500, 'INTERNAL', err instanceof Error ? err.message : String(err));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
