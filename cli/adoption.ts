// `lifecert adoption send|list`: adoption feedback to the ministry (article 14) from the command
// line. `send` sends now, through the ministry connector of the configuration (no Redis needed),
// the same sendAdoptionFeedback the workers' adoption job runs — the batch ids of earlier,
// failed attempts are reused, so a send here and one by a worker never lose or change an item;
// `--queue` leaves it to the workers instead. `list` prints the items due within 2 days or
// overdue, as GET /api/v1/adoption does (masked).
import { adoptionItemView, listAdoption, sendAdoptionFeedback } from '../feedback/adoption.ts';
import type { AdoptionChannel } from '../feedback/adoption.ts';
import { createError } from '../lib/errors.ts';
import { createLogger } from '../lib/log.ts';
import type { AdoptionStatus } from '../mirror/index.ts';
import { cliActor } from './user.ts';
import { audit, withDb, withQueues } from './with-db.ts';

export async function runAdoptionSend(o: { queue: boolean; databaseUrl?: string }): Promise<number> {
  return withDb(o.databaseUrl, async (db) => {
    const actor = cliActor();
    if (o.queue) {
      return withQueues(db, async (jobs) => {
        if (jobs === null) throw createError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', 'Redis (REDIS_URL) does not answer: the send cannot be queued (without --queue it is sent from here)');
        const { jobId } = await jobs.sendAdoption(actor);
        await audit(db, actor, 'adoption.send', 'adoption', { queued: jobId });
        process.stdout.write(`${JSON.stringify({ queued: jobId })}\n`);
        return 0;
      });
    }
    const { loadHubConfig, buildConnectors } = await import('../config/index.ts');
    const config = loadHubConfig(process.env.LIFECERT_CONFIG ?? './lifecert.config.json');
    const ministry = buildConnectors(config.sources).find((c) => c.channel === 'ministry') as (Partial<AdoptionChannel> & object) | undefined;
    if (!ministry || typeof ministry.submitFeedback !== 'function') {
      throw createError('LIFECERT_ADOPTION_CHANNEL_MISSING', 'the configuration has no ministry source: adoption feedback goes over its SubmitFeedback');
    }
    const report = await sendAdoptionFeedback({ db, channel: ministry as AdoptionChannel, log: createLogger({}) });
    await audit(db, actor, 'adoption.send', 'adoption', { batches: report.sent.map((b) => b.batchId), items: report.sent.reduce((n, b) => n + b.items, 0) });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  });
}

export async function runAdoptionList(o: { status?: string; area?: string; databaseUrl?: string }): Promise<number> {
  if (o.status !== 'due' && o.status !== 'overdue') throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--status must be due or overdue');
  const status: AdoptionStatus = o.status;
  const region = o.area ?? '44';
  if (!/^44(\d{2}){0,2}$/.test(region)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--area must be 44, a city (4401) or a county (440106)');
  return withDb(o.databaseUrl, async (db) => {
    const now = Date.now();
    let after: readonly [string, string, string] | undefined;
    for (;;) {
      const page = await listAdoption(db, { status, region, now, ...(after ? { after } : {}), limit: 1000 });
      for (const i of page) process.stdout.write(`${JSON.stringify(adoptionItemView(i, now))}\n`);
      if (page.length < 1000) return 0;
      const last = page[page.length - 1];
      after = [last.dueOn, last.dataType, last.recordId];
    }
  });
}
