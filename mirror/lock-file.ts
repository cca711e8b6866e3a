// PGlite has no server process guarding its files: two processes opening the same data
// folder corrupt it. A lock file beside the folder, created atomically (O_EXCL) and holding
// the owner's pid and host, refuses the second opener with a clear error. A lock left behind
// by a process that died (same host, pid gone) is taken over.
import fs from 'node:fs';
import os from 'node:os';
import { MirrorError } from './errors.ts';

export interface LockFile {
  readonly path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export function acquireLockFile(lockPath: string): LockFile {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(owner), { flag: 'wx' });
      return holdLock(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const existing = readOwner(lockPath);
      if (existing && isAlive(existing)) {
        throw new MirrorError(
          'LIFECERT_MIRROR_DATA_DIR_LOCKED',
          `the embedded database is in use by process ${existing.pid} on ${existing.host} since ${existing.since} ` +
            `(lock file ${lockPath}); stop that process or set DATABASE_URL to share a PostgreSQL server`,
        );
      }
      // stale: its owner is gone (or the file is unreadable garbage from a crash mid-write)
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new MirrorError('LIFECERT_MIRROR_DATA_DIR_LOCKED', `could not take the lock file ${lockPath}: another process keeps creating it`);
}

function holdLock(lockPath: string): LockFile {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readOwner(lockPath);
    // never delete a lock that another process took over after ours was judged stale
    if (current && current.pid === process.pid && current.host === os.hostname()) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return { path: lockPath, release };
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      if (typeof o.pid === 'number' && typeof o.host === 'string') {
        return { pid: o.pid, host: o.host, since: typeof o.since === 'string' ? o.since : '?' };
      }
    }
    return null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  // a lock from another host (a shared network folder) cannot be checked: treat it as held
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
