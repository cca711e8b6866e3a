// The civil file drop's conformance harness: three files in the inbox (GBK with CRLF and a
// blank line, UTF-8 with a BOM, GBK), written by the test into a folder (its fake) or
// delivered by the sandbox's civil drop (its simulator). Files are read whole, so the cursor
// is per file and nothing is ever read twice.
import fs from 'node:fs';
import type { CursorState } from '../../../connectors/kit/connector.ts';
import type { CivilFile } from '../../../sandbox/world.ts';
import type { HarnessFixture, SourceHarness } from '../conformance.ts';
import { deliver, HEADER, tempDirs } from '../fixtures.ts';
import { ASOF, entryOf, startSimulator } from './common.ts';

const row = (n: string, t: string) => `${n},440106194103020017,男,1941-03-02,2026-11-01,2026-11-03,广州市殡仪馆,${t}`;

const FILES: CivilFile[] = [
  { name: 'HH_440106_20261103.csv', encoding: 'gbk', text: [HEADER, row('甲', '2026-11-03 09:00:00'), '', row('乙', '2026-11-03 10:00:00')].join('\r\n') },
  { name: 'HH_440303_20261104.csv', encoding: 'utf8-bom', text: [HEADER, row('丙', '2026-11-04 09:00:00')].join('\n') },
  { name: 'HH_440104_20261105.csv', encoding: 'gbk', text: [HEADER, row('丁', '2026-11-05 09:00:00')].join('\n') },
];

const filesOf = (state: CursorState | null): Record<string, unknown> => (state?.files ?? {}) as Record<string, unknown>;

const common: Omit<HarnessFixture, 'config'> = {
  asOf: ASOF,
  // a page closes once it holds this many records (files are never split): several pages here
  pageSize: 1,
  expectedIds: ['HH_440106_20261103.csv:2', 'HH_440106_20261103.csv:4', 'HH_440303_20261104.csv:2', 'HH_440104_20261105.csv:2'],
  // per file: a hash may change (re-delivery) but no file is ever forgotten
  isForward: (prev, next) => Object.keys(filesOf(prev)).every((f) => f in filesOf(next)),
  // files are read whole; an unchanged file is never read again
  mayRepeat: () => false,
};

export const civilHarness: SourceHarness = {
  // civil publishes one dataset, `cremation`
  async fake() {
    const dirs = tempDirs();
    for (const f of FILES) deliver(dirs.inbox, f.name, f.text, f.encoding);
    return {
      ...common,
      config: { inboxDir: dirs.inbox, outboxDir: dirs.outbox },
      unreachable: { inboxDir: `${dirs.root}/missing`, outboxDir: '/proc/forbidden-outbox' },
      cleanup: () => fs.rmSync(dirs.root, { recursive: true, force: true }),
    };
  },

  async simulator() {
    const sim = await startSimulator({ civil: FILES });
    return {
      ...common,
      // a file drop has no requests to retry
      config: entryOf(sim, 'civil', {}),
      unreachable: { inboxDir: `${sim.civilDir}/missing`, outboxDir: '/proc/forbidden-outbox' },
      cleanup: () => sim.close(),
    };
  },
};
