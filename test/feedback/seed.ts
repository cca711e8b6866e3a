// Seeding the mirror for the feedback and case suites: roster entries, open cases, feedback items.
import { loadRoster, openCases, saveFeedbackItems, caseIdOf } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import type { EvidenceRef, FeedbackItem, RosterEntry } from '../../schemas/types.ts';
import { feedbackIdOf } from '../../feedback/deliver-ids.ts';

let seq = 0;

/** A fresh, valid 18-character identity number (GB 11643 check digit) registered in `area`, born 1940-01-01. */
export function personIn(area: string): string {
  seq += 1;
  const body = `${area}19400101${String(seq % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((n, d, i) => n + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

export async function addPerson(db: Db, area: string, personId = personIn(area)): Promise<RosterEntry> {
  const entry: RosterEntry = {
    personId, name: '张三', sex: '1', birthDate: '1940-01-01', areaCode: area, benefitStatus: 'normal', accountStatus: 'active',
    lastCertifiedMonth: '2026-01', startedMonth: '2010-01', paidThrough: '2026-10', monthlyAmountFen: 20000,
  };
  await loadRoster(db, [entry], { replace: false });
  return entry;
}

/** An OPEN case of a new roster person in `area`. */
export async function addOpenCase(db: Db, area: string, evidence: EvidenceRef[] = [], period = '2026-11'): Promise<{ caseId: string; personId: string }> {
  const { personId } = await addPerson(db, area);
  const caseId = caseIdOf(period, personId);
  await db.transaction((tx) => openCases(tx, [{ caseId, period, personId, areaCode: area, reasons: ['SINGLE_SOURCE_DEATH'], evidence, openedAt: '2026-11-20T09:00:00+08:00' }]));
  return { caseId, personId };
}

/** A feedback item of `channel` about `personId` in the given state. */
export async function addItem(db: Db, channel: string, personId: string, state: FeedbackItem['state'] = 'PENDING', recordId = `R-${++seq}`, dataset = 'hukou'): Promise<FeedbackItem> {
  const item: FeedbackItem = {
    feedbackId: feedbackIdOf('REJECTED', channel, dataset, recordId, 'h', 'ZXRQ'), kind: 'REJECTED', channel, dataset, recordId, personId,
    field: 'ZXRQ', reportedValue: '20260431', correctedValue: null, reasonCode: 'DATE_INVALID', verifiedDate: '2026-11-20',
    createdAt: '2026-11-20T10:00:00+08:00', state,
  };
  await saveFeedbackItems(db, [item]);
  return item;
}
