// Holds the production code to the "may import" table (layers.ts): every module reference of
// every file is checked against its folder's row, and the folders, the files and the
// independent implementations are checked for cycles and shared code. Works on a map of
// sources so that its own test can hand it a small tree of known violations.
import fs from 'node:fs';
import path from 'node:path';
import { scanImports, type ImportRef } from './import-scan.ts';
import type { Independence, Layer } from './layers.ts';

export type Rule =
  | 'unreadable'
  | 'computed-specifier'
  | 'outside-layers'
  | 'may-import'
  | 'pure'
  | 'folder-cycle'
  | 'file-cycle'
  | 'independence';

export interface Violation {
  /** repo-relative, `/`-separated */
  file: string;
  line: number;
  rule: Rule;
  message: string;
}

interface Edge {
  from: string;
  to: string;
  line: number;
  typeOnly: boolean;
}

const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

const topFolder = (file: string): string => file.split('/')[0];

/** Every code file (repo-relative) under the folders of `layers` that exist in `root`. */
export function readProductionFiles(root: string, layers: readonly Layer[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(rel);
      } else if (CODE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
      }
    }
  };
  for (const layer of layers) if (fs.existsSync(path.join(root, layer.folder))) walk(layer.folder);
  return files;
}

/** `a, b and c` */
const list = (items: readonly string[]): string => (items.length === 0 ? 'nothing outside itself' : items.map((i) => `${i.includes('.') ? i : `${i}/`}`).join(', '));

/** Checks `files` (repo-relative path → source) against `layers`; returns every violation, sorted. */
export function checkImports(files: ReadonlyMap<string, string>, layers: readonly Layer[], independent: readonly Independence[] = []): Violation[] {
  const byFolder = new Map(layers.map((l) => [l.folder, l]));
  const violations: Violation[] = [];
  const edges: Edge[] = [];

  for (const [file, source] of files) {
    const layer = byFolder.get(topFolder(file));
    if (!layer) {
      violations.push({ file, line: 1, rule: 'outside-layers', message: `${file} is not in a folder of the table` });
      continue;
    }
    let refs: ImportRef[];
    try {
      refs = scanImports(source);
    } catch (err) {
      violations.push({ file, line: 1, rule: 'unreadable', message: `${file}: cannot read its imports (${(err as Error).message})` });
      continue;
    }
    for (const ref of refs) {
      const where = `${file}:${ref.line}`;
      const spec = ref.specifier;
      if (spec === null) {
        violations.push({ file, line: ref.line, rule: 'computed-specifier', message: `${where}: ${ref.kind} with a computed specifier cannot be checked; write the path literally` });
        continue;
      }
      if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('file:')) {
        if (layer.pure) {
          violations.push({ file, line: ref.line, rule: 'pure', message: `${where} imports '${spec}': ${layer.folder}/ is pure and imports no package or built-in` });
        }
        continue;
      }
      if (!spec.startsWith('.')) {
        violations.push({ file, line: ref.line, rule: 'outside-layers', message: `${where} imports '${spec}': only relative paths inside the project can be checked` });
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const targetFolder = topFolder(target);
      if (target.startsWith('..') || !target.includes('/') || !byFolder.has(targetFolder)) {
        violations.push({ file, line: ref.line, rule: 'outside-layers', message: `${where} imports ${target}, which is outside the production folders of the table` });
        continue;
      }
      edges.push({ from: file, to: target, line: ref.line, typeOnly: ref.typeOnly });
      if (targetFolder === layer.folder) continue;
      if (layer.mayImport.includes(targetFolder) || layer.mayImport.includes(target)) continue;
      violations.push({
        file,
        line: ref.line,
        rule: 'may-import',
        message: `${where} imports ${target}: ${layer.folder}/ may import ${list(layer.mayImport)} (docs/architecture.md)`,
      });
    }
  }

  violations.push(...folderCycles(edges), ...fileCycles(edges, files), ...independence(edges, files, independent));
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

/** Strongly connected components of more than one node, or one node with an edge to itself. */
function cycles(nodes: Iterable<string>, next: (node: string) => readonly string[]): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  // iterative Tarjan: a deep chain of files must not overflow the call stack
  for (const start of nodes) {
    if (indexOf.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    indexOf.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const succ = next(top.node);
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!indexOf.has(w)) {
          indexOf.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node) as number, indexOf.get(w) as number));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent) as number, low.get(top.node) as number));
      }
      if (low.get(top.node) === indexOf.get(top.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.node);
        if (component.length > 1 || succ.includes(top.node)) found.push(component.sort());
      }
    }
  }
  return found;
}

function folderCycles(edges: readonly Edge[]): Violation[] {
  const next = new Map<string, Set<string>>();
  const example = new Map<string, Edge>();
  for (const e of edges) {
    const a = topFolder(e.from);
    const b = topFolder(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    (next.get(a) as Set<string>).add(b);
    if (!example.has(`${a}>${b}`)) example.set(`${a}>${b}`, e);
  }
  return cycles(next.keys(), (f) => [...(next.get(f) ?? [])]).map((component) => {
    const members = new Set(component);
    const inside = component.flatMap((a) => [...(next.get(a) ?? [])].filter((b) => members.has(b)).map((b) => example.get(`${a}>${b}`) as Edge));
    const first = inside[0];
    return {
      file: first.from,
      line: first.line,
      rule: 'folder-cycle' as const,
      message: `the folders ${component.map((f) => `${f}/`).join(', ')} import each other: ${inside.map((e) => `${e.from}:${e.line} → ${e.to}`).join('; ')}`,
    };
  });
}

/** Cycles of files through imports that run (an `import type` is erased and closes no cycle). */
function fileCycles(edges: readonly Edge[], files: ReadonlyMap<string, string>): Violation[] {
  const next = runtimeGraph(edges, files);
  return cycles(files.keys(), (f) => next.get(f) ?? []).map((component) => {
    const members = new Set(component);
    const inside = edges.filter((e) => !e.typeOnly && members.has(e.from) && members.has(e.to));
    const first = inside[0];
    return {
      file: first.from,
      line: first.line,
      rule: 'file-cycle' as const,
      message: `the files ${component.join(', ')} import each other at run time: ${inside.map((e) => `${e.from}:${e.line} → ${e.to}`).join('; ')}`,
    };
  });
}

function runtimeGraph(edges: readonly Edge[], files: ReadonlyMap<string, string>): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.typeOnly || !files.has(e.to)) continue;
    if (!next.has(e.from)) next.set(e.from, []);
    (next.get(e.from) as string[]).push(e.to);
  }
  return next;
}

/** Every file `starts` run, with the chain that reaches it. */
function reach(starts: readonly string[], next: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const via = new Map<string, string[]>(starts.map((s) => [s, [s]]));
  const queue = [...starts];
  while (queue.length > 0) {
    const f = queue.shift() as string;
    for (const t of next.get(f) ?? []) {
      if (via.has(t)) continue;
      via.set(t, [...(via.get(f) as string[]), t]);
      queue.push(t);
    }
  }
  return via;
}

function independence(edges: readonly Edge[], files: ReadonlyMap<string, string>, rules: readonly Independence[]): Violation[] {
  const next = runtimeGraph(edges, files);
  const out: Violation[] = [];
  for (const rule of rules) {
    if (!files.has(rule.file)) {
      out.push({ file: rule.file, line: 1, rule: 'independence', message: `${rule.file} (kept apart from ${rule.apart}/) does not exist: update layers.ts` });
      continue;
    }
    const mine = reach([rule.file], next);
    const theirs = reach([...files.keys()].filter((f) => topFolder(f) === rule.apart), next);
    for (const [shared, chain] of mine) {
      const other = theirs.get(shared);
      if (!other) continue;
      out.push({
        file: rule.file,
        line: 1,
        rule: 'independence',
        message: `${rule.file} and ${rule.apart}/ both run ${shared} (${chain.join(' → ')}; ${other.join(' → ')}): ${rule.why}`,
      });
    }
  }
  return out;
}

/** What is wrong with the table itself: a row naming an unknown folder or itself, or rows that let folders import each other. */
export function checkTable(layers: readonly Layer[]): string[] {
  const problems: string[] = [];
  const folders = new Set(layers.map((l) => l.folder));
  for (const l of layers) {
    for (const m of l.mayImport) {
      if (!folders.has(topFolder(m))) problems.push(`${l.folder}/ may import ${m}, which is not a folder of the table`);
      if (topFolder(m) === l.folder) problems.push(`${l.folder}/ lists itself`);
    }
  }
  const next = new Map(layers.map((l) => [l.folder, [...new Set(l.mayImport.map(topFolder))]]));
  for (const component of cycles(next.keys(), (f) => next.get(f) ?? [])) problems.push(`the table lets ${component.map((f) => `${f}/`).join(', ')} import each other`);
  return problems;
}
