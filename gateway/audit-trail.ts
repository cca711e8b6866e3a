// What the gateway writes to the audit log: the entry with its out-of-hours flag, decided by
// the working calendar at the moment of the change (article 9).
import type { AuditEntry } from '../schemas/access.ts';
import { formatChinaIso } from '../mirror/index.ts';
import type { WorkingCalendar } from '../lib/working-calendar.ts';

export interface AuditClock {
  /** epoch ms; injected so tests can stand at 18:05 China time or on a 调休 Saturday */
  now(): number;
  calendar: WorkingCalendar;
}

export function auditEntry(clock: AuditClock, actor: string, action: string, target: string, details: Record<string, unknown>): AuditEntry {
  const ms = clock.now();
  return { at: formatChinaIso(ms), actor, action, target, details, outOfHours: clock.calendar.isOutOfHours(ms) };
}
