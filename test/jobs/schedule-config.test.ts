// The configuration's schedules and pull limits: read with their defaults, refused with a clear
// message when they cannot be scheduled; and the firing slot a schedule job stands for.
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { HubConfigError, resolveHubConfig } from '../../config/index.ts';
import { firingTime } from '../../jobs/schedule-job.ts';

const load = (extra: Record<string, unknown>) => resolveHubConfig({ sources: {}, ...extra }, {});

describe('configuration: schedules and pull limits', () => {
  it('reads schedules with their defaults (Asia/Shanghai, the current period)', () => {
    const config = load({
      schedules: [
        { name: 'nightly-pull', cron: '0 2 * * *', run: { steps: ['pull'], connectors: ['ministry'] } },
        { name: 'tick', every: 60_000, tz: 'UTC', run: { period: 'previous' } },
      ],
      pullLimits: { police: { concurrency: 2, rateLimit: { max: 10, durationMs: 60_000 } } },
    });
    assert.deepEqual(config.schedules, [
      { name: 'nightly-pull', cron: '0 2 * * *', tz: 'Asia/Shanghai', run: { steps: ['pull'], connectors: ['ministry'], period: 'current' } },
      { name: 'tick', every: 60_000, tz: 'UTC', run: { period: 'previous' } },
    ]);
    assert.deepEqual(config.pullLimits, { police: { concurrency: 2, rateLimit: { max: 10, durationMs: 60_000 } } });
  });

  it('a file without schedules or limits has none', () => {
    const config = load({});
    assert.deepEqual(config.schedules, []);
    assert.deepEqual(config.pullLimits, {});
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['neither cron nor every', { schedules: [{ name: 'x', run: {} }] }, /'x': give exactly one of cron and every/],
    ['both cron and every', { schedules: [{ name: 'x', cron: '0 2 * * *', every: 5000, run: {} }] }, /exactly one of cron and every/],
    ['a name used twice', { schedules: [{ name: 'x', every: 5000, run: {} }, { name: 'x', every: 9000, run: {} }] }, /'x' is used twice/],
    ['a name that is no scheduler id', { schedules: [{ name: 'Nightly Pull', every: 5000, run: {} }] }, /\/schedules\/0\/name must match pattern/],
    ['an unknown step', { schedules: [{ name: 'x', every: 5000, run: { steps: ['dance'] } }] }, /\/schedules\/0\/run\/steps\/0 must be equal to one of the allowed values/],
    ['every below a second', { schedules: [{ name: 'x', every: 10, run: {} }] }, /\/schedules\/0\/every must be >= 1000/],
    ['the old form (an object of cron strings)', { schedules: { pull: '0 2 * * *' } }, /\/schedules must be array/],
    ['a limit for no source', { pullLimits: { moon: { concurrency: 1 } } }, /\/pullLimits must NOT have additional properties \(moon\)/],
    ['a cap of zero', { pullLimits: { civil: { concurrency: 0 } } }, /\/pullLimits\/civil\/concurrency must be >= 1/],
  ];
  for (const [what, extra, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => load(extra), (err: unknown) => err instanceof HubConfigError && message.test(err.message));
    });
  }

  it('a schedule job stands for the slot in its id, or its creation time', () => {
    assert.equal(firingTime({ id: 'repeat:nightly-pull:1796652753321', timestamp: 1 } as Job), 1796652753321);
    assert.equal(firingTime({ id: 'manual', timestamp: 1796652000000 } as Job), 1796652000000);
  });
});
