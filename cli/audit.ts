// `lifecert audit verify`: walks the audit log's hash chain and names the first row that was
// changed, slipped in or removed; exit 0 when whole, 1 when broken.
import { loadDotEnv } from '../config/index.ts';
import { databaseOptionsFromEnv, openDatabase, readAuditChain, verifyAuditChain } from '../mirror/index.ts';

export async function runAuditVerify(options: { databaseUrl?: string } = {}): Promise<number> {
  loadDotEnv();
  const db = await openDatabase(options.databaseUrl ? { databaseUrl: options.databaseUrl } : databaseOptionsFromEnv());
  try {
    const tables = await db.query<{ t: string | null }>(`SELECT to_regclass('audit_log')::text AS t`);
    if (tables.rows[0].t === null) {
      process.stderr.write(`the mirror (${db.location}) has no audit log: run \`lifecert migrate\` first\n`);
      return 2;
    }
    const v = await verifyAuditChain(readAuditChain(db));
    if (v.firstBreak !== null) {
      process.stdout.write(`audit log BROKEN at row ${v.firstBreak.seq} (${v.firstBreak.kind}): ${v.firstBreak.detail}\n`);
      return 1;
    }
    process.stdout.write(
      v.head === null
        ? 'audit log empty\n'
        : `audit log whole: ${v.rows} rows; head row ${v.head.seq} hash ${v.head.hash} (keep it elsewhere: rows cut off at the end leave no trace in the chain)\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
