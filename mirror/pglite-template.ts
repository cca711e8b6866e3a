// A fresh embedded (PGlite) data folder without initdb in this process. PGlite's first open of
// an empty folder runs initdb in a second WebAssembly instance beside the first (about 1.1 GiB
// peak), and the migrations then grow the instance's heap, which WebAssembly never gives back
// (about +200 MiB). Instead, an initialised and migrated folder — the template — is built once
// per PGlite version and migration set, in a child process of its own
// (pglite-template-build.ts), kept in a cache folder with a manifest (every file's size, mode
// and sha-256), and copied into each fresh folder. Opening the copy is an ordinary reopen.
//
// Cache: `LIFECERT_CACHE_DIR`, else `$XDG_CACHE_HOME/lifecert`, else `~/.cache/lifecert`; the
// template is `<cache>/pglite-template/<pglite version>-<key>/` (`pgdata/` + `manifest.json`),
// the key a digest of the PGlite version, the format and every migration's checksum. A copy
// verifies every file against the manifest: a corrupt or stale template is moved aside and
// rebuilt, with a log line, before anything is written to the target. Two processes building
// at once each build in a folder of their own and rename it into place; the second rename
// fails and that process uses the first one's template. Deleting the cache is always safe.
import { createHash, randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MirrorError } from './errors.ts';
import { loadMigrations } from './migrate.ts';

/** Bumped when what a template holds, or how it is checked, changes. */
const TEMPLATE_FORMAT = 1;
const BUILDER = path.join(import.meta.dirname, 'pglite-template-build.ts');

export interface PgliteTemplateOptions {
  /** the cache folder (default: LIFECERT_CACHE_DIR, else $XDG_CACHE_HOME/lifecert, else ~/.cache/lifecert) */
  cacheDir?: string;
  /** where the template's lines go: built, rebuilt, unusable (default: stderr) */
  log?: (line: string) => void;
  /** told how the fresh folder was filled */
  onUse?: (use: TemplateUse) => void;
}

export interface TemplateUse {
  /** the template folder copied from */
  template: string;
  /** built by this call (first use, or a corrupt / stale one rebuilt) */
  built: boolean;
  /** why the cached one was rebuilt (corrupt, stale), when it was */
  rebuiltBecause?: string;
  /** the builder process's peak RSS in KiB, when it was built */
  builderPeakRssKiB?: number;
  seconds: number;
}

interface ManifestFile {
  path: string;
  size: number;
  mode: number;
  sha256: string;
}

interface Manifest {
  format: number;
  key: string;
  pgliteVersion: string;
  builtAt: string;
  dirs: { path: string; mode: number }[];
  files: ManifestFile[];
}

export function templateCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env.LIFECERT_CACHE_DIR?.trim();
  if (own) return path.resolve(own);
  const xdg = env.XDG_CACHE_HOME?.trim();
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'lifecert');
}

let pgliteVersionCache: string | undefined;

/** The installed PGlite's version (its package.json beside the resolved entry point). */
export function pgliteVersion(): string {
  if (pgliteVersionCache) return pgliteVersionCache;
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return (pgliteVersionCache = pkg.version);
    }
    const up = path.dirname(dir);
    if (up === dir) throw new MirrorError('LIFECERT_MIRROR_INVARIANT_BROKEN', 'cannot find the version of @electric-sql/pglite');
    dir = up;
  }
}

/** The template's identity: PGlite version, format, and the migration set it holds. */
export function templateKey(): { key: string; pgliteVersion: string; dirName: string } {
  const version = pgliteVersion();
  const h = createHash('sha256').update(`format ${TEMPLATE_FORMAT}\npglite ${version}\n`);
  for (const m of loadMigrations()) h.update(`${m.version} ${m.name} ${m.checksum}\n`);
  const key = h.digest('hex');
  return { key, pgliteVersion: version, dirName: `${version}-${key.slice(0, 16)}` };
}

export function templatePath(cacheDir: string = templateCacheDir()): string {
  return path.join(cacheDir, 'pglite-template', templateKey().dirName);
}

/**
 * Fill the fresh PGlite folder `target` (absent, or an empty folder) from the template,
 * building or rebuilding the template first when needed. The caller holds the data folder's
 * lock. Throws when the template cannot be had (the caller then initialises in place).
 */
export async function fillFromTemplate(target: string, options: PgliteTemplateOptions = {}): Promise<TemplateUse> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { key, pgliteVersion: version } = templateKey();
  const dir = templatePath(options.cacheDir ?? templateCacheDir());
  let built = false;
  let builderPeakRssKiB: number | undefined;
  let rebuiltBecause: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!fs.existsSync(dir)) {
      if (!built) log(`lifecert: building the embedded database template once (PGlite ${version}, initdb + migrations, in a process of its own) in ${dir}`);
      const b = await buildTemplate(dir, key, version);
      built = true;
      builderPeakRssKiB = b.peakRssKiB;
    }
    const problem = copyVerified(dir, key, target);
    if (problem === null) {
      const use: TemplateUse = { template: dir, built, seconds: (performance.now() - started) / 1000 };
      if (rebuiltBecause) use.rebuiltBecause = rebuiltBecause;
      if (builderPeakRssKiB !== undefined) use.builderPeakRssKiB = builderPeakRssKiB;
      options.onUse?.(use);
      return use;
    }
    rebuiltBecause = problem;
    log(`lifecert: the embedded database template ${dir} is ${problem}: moving it aside and rebuilding it (the new data folder is untouched)`);
    discard(dir);
  }
  throw new MirrorError('LIFECERT_MIRROR_TEMPLATE_FAILED', `the embedded database template ${dir} was still unusable after rebuilding it: ${rebuiltBecause}`);
}

/**
 * Make sure a valid template is in the cache (built, or rebuilt when corrupt or stale) without
 * opening a database: a benchmark calls it before its timing, an installer before first use.
 */
export async function prepareTemplate(options: PgliteTemplateOptions = {}): Promise<TemplateUse> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-template-check-'));
  try {
    return await fillFromTemplate(path.join(scratch, 'pglite'), options);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Run the builder in its own process and rename its folder into place (unless another process won). */
async function buildTemplate(dir: string, key: string, version: string): Promise<{ peakRssKiB?: number }> {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const work = path.join(parent, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(work);
  try {
    const peakRssKiB = await runBuilder(work);
    const pgdata = path.join(work, 'pglite');
    const manifest: Manifest = { format: TEMPLATE_FORMAT, key, pgliteVersion: version, builtAt: new Date().toISOString(), ...describeTree(pgdata) };
    fs.renameSync(pgdata, path.join(work, 'pgdata'));
    fs.rmSync(path.join(work, 'pglite.lock'), { force: true });
    fs.writeFileSync(path.join(work, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
    try {
      fs.renameSync(work, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // another process put its template in place first: use that one
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
    return peakRssKiB === undefined ? {} : { peakRssKiB };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function runBuilder(work: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const child = fork(BUILDER, [work], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execPath: process.execPath });
    let stderr = '';
    let peak: number | undefined;
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('message', (m: unknown) => {
      const kib = (m as { peakRssKiB?: unknown }).peakRssKiB;
      if (typeof kib === 'number') peak = kib;
    });
    child.once('error', (err) => reject(new MirrorError('LIFECERT_MIRROR_TEMPLATE_FAILED', `cannot start the template builder: ${err.message}`, { cause: err })));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(peak);
      else reject(new MirrorError('LIFECERT_MIRROR_TEMPLATE_FAILED', `the template builder exited with ${signal ?? `code ${code}`}: ${stderr.trim()}`));
    });
  });
}

function describeTree(root: string): Pick<Manifest, 'dirs' | 'files'> {
  const dirs: Manifest['dirs'] = [];
  const files: ManifestFile[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(root, r);
      const mode = fs.statSync(full).mode & 0o777;
      if (entry.isDirectory()) {
        dirs.push({ path: r, mode });
        walk(r);
      } else if (entry.isFile()) {
        const bytes = fs.readFileSync(full);
        files.push({ path: r, size: bytes.length, mode, sha256: createHash('sha256').update(bytes).digest('hex') });
      } else {
        throw new MirrorError('LIFECERT_MIRROR_TEMPLATE_FAILED', `the template holds ${r}, neither a file nor a folder`);
      }
    }
  };
  walk('');
  return { dirs, files };
}

/**
 * Copy the template into `target` through a folder beside it (renamed into place at the end),
 * checking every file against the manifest. Returns null when done, else what is wrong with
 * the template (the partial copy removed, `target` untouched).
 */
function copyVerified(dir: string, key: string, target: string): string | null {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (err) {
    return `corrupt (manifest.json unreadable: ${(err as Error).message})`;
  }
  if (manifest.format !== TEMPLATE_FORMAT || manifest.key !== key) {
    return `stale (built for ${manifest.pgliteVersion ?? '?'} format ${manifest.format ?? '?'} key ${String(manifest.key).slice(0, 16)}, this is ${pgliteVersion()} format ${TEMPLATE_FORMAT} key ${key.slice(0, 16)})`;
  }
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.dirs) || !manifest.files.some((f) => f.path === 'PG_VERSION')) {
    return 'corrupt (manifest.json lists no PG_VERSION)';
  }
  const source = path.join(dir, 'pgdata');
  const work = `${target}.template-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(work, { mode: 0o700 });
    for (const d of manifest.dirs) fs.mkdirSync(path.join(work, d.path), { mode: d.mode });
    for (const f of manifest.files) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.join(source, f.path));
      } catch (err) {
        return `corrupt (${f.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      }
      if (bytes.length !== f.size) return `corrupt (${f.path}: ${bytes.length} bytes, the manifest says ${f.size})`;
      if (createHash('sha256').update(bytes).digest('hex') !== f.sha256) return `corrupt (${f.path}: its sha-256 differs from the manifest's)`;
      fs.writeFileSync(path.join(work, f.path), bytes, { mode: f.mode });
    }
    // an empty folder left at `target` (mkdir by a user) gives way; anything else stays and fails the rename
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(work, target);
    return null;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Move a bad template aside (readers then find none) and delete it. */
function discard(dir: string): void {
  const aside = `${dir}.discard-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(dir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another process already did
    throw err;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}
