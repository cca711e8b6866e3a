// The county worklists (the `worklists` view): STOP / SEAL / VERIFY results, by county, action
// and person.
import type { WorklistEntry } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { keysetRows } from './keyset.ts';

export async function* readWorklists(db: Queryable, period: string, batchSize?: number): AsyncGenerator<WorklistEntry> {
  const rows = keysetRows(
    ['', '', ''],
    batchSize,
    ([area, action, person], limit) =>
      db.query<{ area_code: string; action: WorklistEntry['action']; person_id: string; reasons: WorklistEntry['reasons'] }>(
        `SELECT area_code, action, person_id, reasons FROM worklists
          WHERE period = $1 AND (area_code, action, person_id) > ($2, $3, $4) ORDER BY area_code, action, person_id LIMIT $5`,
        [period, area, action, person, limit],
      ),
    (r) => [r.area_code, r.action, r.person_id],
  );
  for await (const r of rows) yield { period, areaCode: r.area_code, action: r.action, personId: r.person_id, reasons: r.reasons };
}
