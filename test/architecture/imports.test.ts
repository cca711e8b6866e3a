// Dependencies point one way (docs/architecture.md): every import of the production folders
// keeps to the "may import" table of layers.ts, nothing runs in a cycle, the oracle shares no
// code with the engine, and the map and the README say what the table says.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkImports, checkTable, readProductionFiles } from './check-imports.ts';
import { renderLayerTable, layerRow, tableAfter, TABLE_HEADER } from './layer-table.ts';
import { INDEPENDENT, LAYERS, UNCHECKED_FOLDERS } from './layers.ts';
import { scanImports } from './import-scan.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const present = LAYERS.filter((l) => fs.existsSync(path.join(ROOT, l.folder)));

describe('architecture: imports', () => {
  const files = readProductionFiles(ROOT, LAYERS);

  it('the table itself: every row names known folders, and no rows import each other', () => {
    assert.deepEqual(checkTable(LAYERS), []);
  });

  it('reads the code of every production folder', () => {
    for (const layer of present) {
      assert.ok([...files.keys()].some((f) => f.startsWith(`${layer.folder}/`)), `no code file found in ${layer.folder}/`);
    }
    // a scanner that found nothing would pass every rule: it must see what we know is there
    const cli = scanImports(files.get('cli/commands.ts') ?? '');
    assert.ok(cli.some((r) => r.kind === 'dynamic' && r.specifier === '../config/index.ts'), 'the dynamic import of config/ in cli/commands.ts');
    assert.ok(scanImports(files.get('bin/lifecert.js') ?? '').some((r) => r.specifier === '../cli/main.ts'), 'bin/ starts cli/main.ts');
  });

  it('every import of the production folders keeps to the table; no cycle; the oracle shares no code with matching/', () => {
    const violations = checkImports(files, LAYERS, INDEPENDENT);
    assert.deepEqual(violations.map((v) => `${v.rule}: ${v.message}`), []);
  });

  it('every top-level folder holding code has a row (or is test/, bench/), none there is marked planned, and each has a README', () => {
    const known = new Set([...LAYERS.map((l) => l.folder), ...UNCHECKED_FOLDERS]);
    const hasCode = (dir: string): boolean =>
      fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? e.name !== 'node_modules' && hasCode(path.join(dir, e.name)) : /\.(ts|js|mjs|cjs)$/.test(e.name)));
    const unmapped = fs
      .readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !known.has(e.name) && hasCode(path.join(ROOT, e.name)))
      .map((e) => `${e.name}/`);
    assert.deepEqual(unmapped, [], 'top-level folders with code but no row in test/architecture/layers.ts');
    const arrived = present.filter((l) => l.planned).map((l) => `${l.folder}/ (${l.planned})`);
    assert.deepEqual(arrived, [], 'folders that exist but are still marked planned in layers.ts');
    const withoutReadme = present.filter((l) => !fs.existsSync(path.join(ROOT, l.folder, 'README.md'))).map((l) => `${l.folder}/`);
    assert.deepEqual(withoutReadme, [], 'folders without a README.md');
  });

  it('docs/architecture.md shows the table of layers.ts, row for row', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    const rows = tableAfter(doc, '## Folders');
    const expected = LAYERS.map(layerRow);
    assert.deepEqual(rows, expected, `docs/architecture.md's table should read:\n${renderLayerTable(LAYERS).join('\n')}\n`);
    assert.ok(doc.includes(`| ${TABLE_HEADER.join(' | ')} |`));
  });

  it("README.md's folder table lists the folders there are, in the map's order, and points to the map", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const folders = tableAfter(readme, '## What is here').map((cells) => cells[0]);
    assert.deepEqual(folders, present.map((l) => `\`${l.folder}/\``));
    assert.match(readme, /docs\/architecture\.md/);
  });
});
