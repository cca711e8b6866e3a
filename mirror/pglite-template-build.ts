// The template builder (pglite-template.ts), run in a process of its own so that initdb's peak
// (a second PGlite instance beside the first) and the heap the migrations grow are never the
// caller's: `<work>/pglite` is initialised by PGlite and migrated with the current migrations,
// exactly as a fresh folder opened and migrated in place, then closed cleanly. Its peak RSS goes
// to the parent over IPC.
import { openDatabase } from './db.ts';
import { migrate } from './migrate.ts';

const work = process.argv[2];
if (!work) {
  process.stderr.write('usage: pglite-template-build.ts WORK_FOLDER\n');
  process.exit(2);
}
const db = await openDatabase({ dataDir: work });
try {
  await migrate(db);
} finally {
  await db.close();
}
await new Promise<void>((resolve) => {
  if (!process.send) return resolve();
  process.send({ peakRssKiB: process.resourceUsage().maxRSS }, undefined, {}, () => resolve());
});
process.exit(0);
