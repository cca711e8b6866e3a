// The death register's simulator: a tiny HTTP server on 127.0.0.1 serving registrations in
// (registeredAt, regNo) order from `since`, behind a bearer token — and the same answers as a
// nock fake, for the conformance suite's two backends.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { parseUpdateTime } from '../../../lib/china-time.ts';
import { replyWith } from '../helpers.ts';
import type { Registration } from './death-register.ts';

export const TOKEN = 'sandbox-death-register-token';

type Answer = [number, unknown];

/** The answer to `GET /deaths?since=&offset=&limit=` over `rows`, given the Authorization header. */
function answer(rows: readonly Registration[], search: URLSearchParams, authorization: string | undefined): Answer {
  if (authorization !== `Bearer ${TOKEN}`) return [401, { error: 'TOKEN_INVALID' }];
  const since = parseUpdateTime(search.get('since') ?? '');
  const offset = Number(search.get('offset'));
  const limit = Number(search.get('limit'));
  if (Number.isNaN(since) || !Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) return [400, { error: 'INVALID_PARAM' }];
  const window = sorted(rows).filter((r) => parseUpdateTime(r.registeredAt ?? '') >= since);
  return [200, { total: window.length, items: window.slice(offset, offset + limit) }];
}

function sorted(rows: readonly Registration[]): Registration[] {
  const time = (r: Registration) => parseUpdateTime(r.registeredAt ?? '');
  return [...rows].sort((a, b) => time(a) - time(b) || ((a.regNo ?? '') < (b.regNo ?? '') ? -1 : 1));
}

export interface DeathRegisterSimulator {
  url: string;
  close(): Promise<void>;
}

/** Serve `rows` on a free local port. */
export async function startDeathRegister(rows: readonly Registration[]): Promise<DeathRegisterSimulator> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [status, body] = req.method === 'GET' && url.pathname === '/register/deaths'
      ? answer(rows, url.searchParams, req.headers.authorization)
      : [404, { error: 'NOT_FOUND' }];
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/register`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The same register as a nock fake at `http://deaths.conf/register`. */
export function fakeDeathRegister(rows: readonly Registration[]): string {
  nock('http://deaths.conf')
    .persist()
    .get((uri) => uri.startsWith('/register/deaths?'))
    .reply(replyWith(({ path, headers }) => answer(rows, new URL(`http://x${path}`).searchParams, headers.authorization)));
  return 'http://deaths.conf/register';
}
