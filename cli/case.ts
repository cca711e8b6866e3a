// `lifecert case close|onsite|list`: what county staff do through the API, from the command line
// (the same functions of feedback/cases.ts, audited the same way, actor `cli:<os user>`).
import fs from 'node:fs';
import { closeCaseWithOutcome, parseOnsite, parseOutcome, recordOnsite } from '../feedback/cases.ts';
import { createError } from '../lib/errors.ts';
import { formatChinaIso, listCasePage } from '../mirror/index.ts';
import { cliActor } from './user.ts';
import { audit, withDb } from './with-db.ts';

export interface CaseCloseOptions {
  outcome?: string;
  evidence: string[];
  verifiedDate?: string;
  deathDate?: string;
  startDate?: string;
  endDate?: string;
  insuranceType?: string;
  province?: string;
  /** JSON text, or @FILE holding it */
  falseEvents?: string;
  databaseUrl?: string;
}

/** Closes a case; prints the hub event and the CORRECTED items (their delivery is the workers' sweep). */
export async function runCaseClose(caseId: string, o: CaseCloseOptions): Promise<number> {
  let falseEvents: unknown;
  if (o.falseEvents !== undefined) {
    const text = o.falseEvents.startsWith('@') ? fs.readFileSync(o.falseEvents.slice(1), 'utf8') : o.falseEvents;
    try {
      falseEvents = JSON.parse(text);
    } catch {
      throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--false-events must be JSON ([{"eventId","field","correctedValue"?,"reasonCode"}]) or @FILE');
    }
  }
  const body: Record<string, unknown> = { outcome: o.outcome, evidence: o.evidence };
  for (const [k, v] of Object.entries({ verifiedDate: o.verifiedDate, deathDate: o.deathDate, startDate: o.startDate, endDate: o.endDate, insuranceType: o.insuranceType, province: o.province, falseEvents })) {
    if (v !== undefined) body[k] = v;
  }
  if (o.evidence.length === 0) delete body.evidence;
  const outcome = parseOutcome(body);
  return withDb(o.databaseUrl, async (db) => {
    const actor = cliActor();
    const closed = await closeCaseWithOutcome(db, caseId, outcome, actor, Date.now());
    await audit(db, actor, 'case.outcome', `case:${caseId}`, {
      caseId, outcome: outcome.outcome, eventId: closed.event.eventId, corrections: closed.corrections.map((c) => c.feedbackId), falseEvents: outcome.falseEvents ?? [], evidence: outcome.evidence,
    });
    process.stdout.write(`${JSON.stringify({ caseId, status: 'CLOSED', eventId: closed.event.eventId, corrections: closed.corrections.map((c) => ({ feedbackId: c.feedbackId, channel: c.channel })) })}\n`);
    return 0;
  });
}

export async function runCaseOnsite(personId: string, o: { verifiedDate?: string; evidence: string[]; databaseUrl?: string }): Promise<number> {
  const cert = parseOnsite({ verifiedDate: o.verifiedDate, ...(o.evidence.length > 0 ? { evidence: o.evidence } : {}) });
  return withDb(o.databaseUrl, async (db) => {
    const actor = cliActor();
    const { event, created } = await recordOnsite(db, personId, cert, actor, Date.now());
    if (created) await audit(db, actor, 'person.onsite', `person:${personId}`, { personId, eventId: event.eventId, ...cert });
    process.stdout.write(`${JSON.stringify({ eventId: event.eventId, date: event.date, created })}\n`);
    return 0;
  });
}

/** The cases of an area (default the province), JSON lines; `overdue`: the month-end list (当月清零). */
export async function runCaseList(o: { area?: string; period?: string; status?: 'OPEN' | 'CLOSED'; overdue: boolean; databaseUrl?: string }): Promise<number> {
  const area = o.area ?? '44';
  if (!/^44([0-9]{2}){0,2}$/.test(area)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--area must be 44, a city (4401) or a county (440106)');
  return withDb(o.databaseUrl, async (db) => {
    let after: [string, string] | undefined;
    for (;;) {
      const page = await listCasePage(db, { areaFrom: area.padEnd(6, '0'), areaTo: area.padEnd(6, '9'), period: o.period, status: o.status, overdueOnly: o.overdue, now: formatChinaIso(Date.now()), after, limit: 1000 });
      for (const c of page) process.stdout.write(`${JSON.stringify({ caseId: c.caseId, period: c.period, areaCode: c.areaCode, personId: c.personId, reasons: c.reasons, status: c.status, openedAt: c.openedAt, ageDays: c.ageDays, overdue: c.overdue })}\n`);
      if (page.length < 1000) return 0;
      after = [page[page.length - 1].areaCode, page[page.length - 1].caseId];
    }
  });
}
