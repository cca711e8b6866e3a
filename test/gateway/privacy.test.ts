// workflow.md "Privacy" on the request path: after a session of requests that carry identity
// numbers and names in paths, queries, bodies, answers and errors, the log holds none of them
// unmasked, no token and no secret; error answers are masked too.
import assert from 'node:assert/strict';
import { maskPersonId } from '../../lib/mask.ts';
import { gatewaySuite, SECRET, RecordingJobs } from './helpers.ts';
import type { RunRequest } from '../../schemas/runs.ts';
import { personOf, seedPull, seedRejection, seedResults } from './fixtures.ts';

const STRANGER = '440106194105160216';

class FailingJobs extends RecordingJobs {
  override async startRun(req: RunRequest): Promise<{ runId: string }> {
    throw new Error(`queue refused the run of ${req.period} for ${STRANGER} with ${SECRET}`);
  }
}

gatewaySuite(
  'privacy of the request path',
  (h) => {
    it('no unmasked identity number or name, no token and no secret in any log line', async () => {
      const results = await seedResults(h.db(), '2026-11', ['440106', '440303'], 5);
      const names = ['张三0', '张四1', '张五2', '欧阳娜娜', '赵六'];
      const pull = await seedPull(h.db(), { channel: 'ministry', dataset: 'death', status: 'succeeded', startedAt: '2026-11-20T01:00:00+08:00', finishedAt: '2026-11-20T01:00:05+08:00', rejected: 1 });
      await seedRejection(h.db(), pull, { channel: 'ministry', dataset: 'death', recordId: 'M9', raw: { aac002: STRANGER, aac003: '赵六' }, field: 'aac002', reasonCode: 'ID_CHECKSUM', message: `${STRANGER} fails`, personId: null });

      const admin = await h.caller(['admin'], '44');
      const op = await h.caller(['operator'], '44');
      const city = await h.caller(['operator'], '4401');
      const tokens = [admin.token, op.token, city.token];
      const answers: string[] = [];
      const call = async (method: string, url: string, token?: string, body?: unknown) => {
        const res = await h.request(method, url, { token, body });
        answers.push(res.text);
        return res;
      };
      assert.equal((await call('GET', '/api/v1/results?period=2026-11&limit=3', op.token)).status, 200);
      assert.equal((await call('GET', '/api/v1/rejections', op.token)).status, 200);
      assert.equal((await call('GET', '/api/v1/rejections', city.token)).status, 200);
      const created = await call('POST', '/api/v1/users', admin.token, { name: '欧阳娜娜', roles: ['county-staff'], region: '440106' });
      const issued = await call('POST', `/api/v1/users/${String(created.body.userId)}/tokens`, admin.token);
      tokens.push(String(issued.body.token));
      await call('GET', '/api/v1/results?period=2026-11', String(issued.body.token));
      const notFound = await call('POST', `/api/v1/persons/${STRANGER}/onsite`, op.token, { verifiedDate: '2026-11-20' });
      assert.ok(!notFound.text.includes(STRANGER));
      const bad = await call('GET', `/api/v1/results?period=2026-11&areaCode=${STRANGER}`, op.token);
      assert.equal(bad.status, 400);
      const failed = await call('POST', '/api/v1/runs', op.token, { period: '2026-11' });
      assert.equal(failed.status, 500);
      assert.equal(failed.body.error?.code, 'LIFECERT_GATEWAY_INTERNAL');
      assert.ok(!failed.text.includes(SECRET) && !failed.text.includes(STRANGER), 'the 500 answer says nothing of the cause');
      await call('GET', '/api/v1/results?period=2026-11', `lct_${'B'.repeat(43)}`);
      await call('GET', '/api/v1/results?period=2026-11', tokens[0].slice(0, 20));

      const log = h.log.text;
      assert.ok(h.log.lines.length > 20, 'requests were logged');
      for (const line of h.log.json()) assert.equal(typeof line.msg, 'string');
      const ids = [STRANGER, ...results.map((r) => r.personId)];
      for (const id of ids) assert.ok(!log.includes(id), `identity number ${maskPersonId(id)} appears in the log`);
      for (const name of names) assert.ok(!log.includes(name), `name ${name[0]}* appears in the log`);
      for (const token of tokens) assert.ok(!log.includes(token) && !log.includes(token.slice(4, 24)), 'a token appears in the log');
      assert.ok(!log.includes('lct_'), 'no token-like text at all');
      assert.ok(!log.includes(SECRET), 'the secret appears in the log');
      assert.ok(!/authorization/i.test(log), 'no request headers are logged');
      // what was logged is there, masked
      assert.ok(log.includes(`/api/v1/persons/${maskPersonId(STRANGER)}/onsite`));
      const failure = h.log.json().find((l) => l.msg === 'request failed') as { err?: { message?: string } } | undefined;
      assert.ok(failure?.err?.message?.includes(maskPersonId(STRANGER)), 'the failure is logged, masked');
      // answers: full values only where a role needs them (a province operator's results and rejections)
      assert.ok(answers[0].includes(personOf('440106', 0)));
      assert.ok(!answers[2].includes(STRANGER), 'a city operator sees no other region and nothing unmasked');
    });
  },
  { kinds: ['pglite'], gateway: { jobs: new FailingJobs() } },
);
