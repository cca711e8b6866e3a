// The reminder list (the `reminders` view, 粤人社规〔2023〕4号): eligible persons whose
// certification ends within 3 months of the period, by county then person.
import type { Reminder } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { keysetRows } from './keyset.ts';

export async function* readReminders(db: Queryable, period: string, batchSize?: number): AsyncGenerator<Reminder> {
  const rows = keysetRows(
    ['', ''],
    batchSize,
    ([area, person], limit) =>
      db.query<{ area_code: string; person_id: string; certified_until: string; months_left: number }>(
        `SELECT area_code, person_id, certified_until, months_left FROM reminders
          WHERE period = $1 AND (area_code, person_id) > ($2, $3) ORDER BY area_code, person_id LIMIT $4`,
        [period, area, person, limit],
      ),
    (r) => [r.area_code, r.person_id],
  );
  for await (const r of rows) yield { period, areaCode: r.area_code, personId: r.person_id, certifiedUntil: r.certified_until, monthsLeft: r.months_left };
}
