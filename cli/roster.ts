// `lifecert roster import FILE`: checks every line (errors with line numbers, nothing loaded
// on any), then replaces the mirror's roster with COPY in one transaction.
import { loadDotEnv } from '../config/index.ts';
import { databaseOptionsFromEnv, migrate, openDatabase } from '../mirror/index.ts';
import { formatOf, importRoster, RosterImportError } from '../pipeline/roster-import.ts';

export async function runRosterImport(file: string, options: { format?: string; table?: string; databaseUrl?: string }): Promise<number> {
  loadDotEnv();
  const format = formatOf(file, options.format);
  const db = await openDatabase(options.databaseUrl ? { databaseUrl: options.databaseUrl } : databaseOptionsFromEnv());
  try {
    await migrate(db);
    const started = Date.now();
    const count = await importRoster(db, file, { format, table: options.table });
    process.stdout.write(`roster replaced: ${count} entries from ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s (${db.location})\n`);
    return 0;
  } catch (err) {
    if (err instanceof RosterImportError && err.problems.length > 0) {
      process.stderr.write(`${err.problems.join('\n')}\n`);
    }
    throw err;
  } finally {
    await db.close();
  }
}
