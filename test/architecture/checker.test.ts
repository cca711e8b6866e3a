// The import checker is itself tested: a scanner that missed a form of import, or a checker that
// missed a rule, would let imports.test.ts pass on a tree that breaks the table.
import assert from 'node:assert/strict';
import { checkImports, checkTable } from './check-imports.ts';
import { scanImports } from './import-scan.ts';
import type { Layer } from './layers.ts';

const refs = (source: string) => scanImports(source).map((r) => [r.line, r.kind, r.specifier, r.typeOnly]);

describe('architecture: the import scanner', () => {
  it('finds every form of module reference, on the line of its keyword', () => {
    const source = [
      "import fs from 'node:fs';", // 1
      'import {', // 2
      '  a,',
      '  b,',
      "} from './multi-line.ts';", // 5
      "import type { T } from './types.ts';",
      "import { type U, v } from './mixed.ts';",
      "import * as ns from './ns.ts';",
      "import './side-effect.ts';",
      "export * from './star.ts';", // 10
      "export * as all from './star-as.ts';",
      "export { x as y } from './re.ts';",
      "export type { Z } from './re-type.ts';",
      "const m = await import('./dynamic.ts');",
      'const t = await import(`./template.ts`);', // 15
      'const c = await import(name);',
      "const r = require('./required.cjs');",
      "import def, { named } from './both.ts';",
      "import type Def from './default-type.ts';",
      "import type from './default-named-type.ts';", // 20
    ].join('\n');
    assert.deepEqual(refs(source), [
      [1, 'import', 'node:fs', false],
      [2, 'import', './multi-line.ts', false],
      [6, 'import', './types.ts', true],
      [7, 'import', './mixed.ts', false],
      [8, 'import', './ns.ts', false],
      [9, 'side-effect', './side-effect.ts', false],
      [10, 're-export', './star.ts', false],
      [11, 're-export', './star-as.ts', false],
      [12, 're-export', './re.ts', false],
      [13, 're-export', './re-type.ts', true],
      [14, 'dynamic', './dynamic.ts', false],
      [15, 'dynamic', './template.ts', false],
      [16, 'dynamic', null, false],
      [17, 'require', './required.cjs', false],
      [18, 'import', './both.ts', false],
      [19, 'import', './default-type.ts', true],
      [20, 'import', './default-named-type.ts', false],
    ]);
  });

  it('takes nothing in comments, strings, templates or regular expressions for an import', () => {
    const source = [
      "// import x from './line-comment.ts';",
      "/* import y from './block-comment.ts';",
      "   export * from './block-comment-2.ts'; */",
      "const s = \"import z from './string.ts'\";",
      "const u = `import w from './template.ts' ${1 + 2} import('./in-template.ts')`;",
      "const re = /import q from '.\\/regex.ts'/;",
      'const quote = /[\'"`]/g;',
      "const ratio = total / count; const half = a / 2; // import('./after-division.ts')",
      'const url = import.meta.url;',
      'const o = { import: 1 }; obj.import(x); obj?.import(y); thing.require(z);',
      'class R { require(field: string) { return field; } }',
      'export { local };',
      "import real from './real.ts';",
    ].join('\n');
    assert.deepEqual(refs(source), [[13, 'import', './real.ts', false]]);
  });

  it('counts lines inside templates and block comments', () => {
    const source = "const a = `one\ntwo\n${'x'}\nthree`;\n/*\n\n*/\nimport b from './b.ts';";
    assert.deepEqual(refs(source), [[8, 'import', './b.ts', false]]);
  });

  it('refuses a source it cannot read rather than guess', () => {
    assert.throws(() => scanImports("const s = 'unterminated;\nimport a from './a.ts';"), SyntaxError);
    assert.throws(() => scanImports('/* never closed'), SyntaxError);
  });
});

// A small table: low ← mid ← top, a pure folder, a folder that may use only an entry file of
// mid, and one kept apart from `low`'s users.
const TABLE: Layer[] = [
  { folder: 'low', holds: '', mayImport: [] },
  { folder: 'mid', holds: '', mayImport: ['low'] },
  { folder: 'pure', holds: '', mayImport: ['low'], pure: true },
  { folder: 'top', holds: '', mayImport: ['low', 'mid', 'pure'] },
  { folder: 'thin', holds: '', mayImport: ['mid/index.ts'] },
  { folder: 'apart', holds: '', mayImport: ['low'] },
];

describe('architecture: the import checker', () => {
  it('names file, line and rule of every import against the table', () => {
    const files = new Map<string, string>([
      ['low/a.ts', "export const a = 1;\nimport type { M } from '../mid/m.ts';"], // a type import is a dependency too
      ['low/b.ts', "import './a.ts';\nexport { a } from '../top/t.ts';"],
      ['mid/index.ts', "import { a } from '../low/a.ts';\nexport const i = a;"],
      ['mid/m.ts', "export type M = number;\nconst t = await import('../top/t.ts');"],
      ['pure/p.ts', "import { a } from '../low/a.ts';\nimport fs from 'node:fs';\nimport lodash from 'lodash';"],
      ['top/t.ts', "import { i } from '../mid/index.ts';\nimport { p } from '../pure/p.ts';\nimport { fixture } from '../test/fixture.ts';"],
      ['thin/n.ts', "import { i } from '../mid/index.ts';\nimport type { M } from '../mid/m.ts';\nimport { a } from '../low/a.ts';"],
      ['apart/x.ts', "const x = await import(`../low/${name}.ts`);\nimport { s } from '../../outside.ts';"],
      ['stray/s.ts', 'export const s = 1;'],
    ]);
    const found = checkImports(files, TABLE).filter((v) => !v.rule.endsWith('cycle'));
    assert.deepEqual(
      found.map((v) => [v.file, v.line, v.rule]),
      [
        ['apart/x.ts', 1, 'computed-specifier'],
        ['apart/x.ts', 2, 'outside-layers'],
        ['low/a.ts', 2, 'may-import'],
        ['low/b.ts', 2, 'may-import'],
        ['mid/m.ts', 2, 'may-import'],
        ['pure/p.ts', 2, 'pure'],
        ['pure/p.ts', 3, 'pure'],
        ['stray/s.ts', 1, 'outside-layers'],
        ['thin/n.ts', 2, 'may-import'],
        ['thin/n.ts', 3, 'may-import'],
        ['top/t.ts', 3, 'outside-layers'],
      ],
    );
    const upward = found.find((v) => v.file === 'mid/m.ts');
    assert.equal(upward?.message, 'mid/m.ts:2 imports top/t.ts: mid/ may import low/ (docs/architecture.md)');
  });

  it('finds cycles between folders and run-time cycles between files, but not through import type', () => {
    const files = new Map<string, string>([
      ['low/a.ts', "import { b } from './b.ts';\nexport const a = 1;"],
      ['low/b.ts', "import { a } from './a.ts';\nexport const b = 2;"],
      ['low/c.ts', "import type { D } from './d.ts';\nexport type C = 1;"],
      ['low/d.ts', "import type { C } from './c.ts';\nexport type D = 2;"],
      ['low/self.ts', "import { self } from './self.ts';\nexport const self = 1;"],
      ['mid/m.ts', "import type { T } from '../top/t.ts';"],
      ['top/t.ts', "import { m } from '../mid/m.ts';"],
    ]);
    const found = checkImports(files, TABLE);
    const cycles = found.filter((v) => v.rule.endsWith('cycle'));
    assert.deepEqual(
      cycles.map((v) => [v.rule, v.message.split(':')[0]]),
      [
        ['file-cycle', 'the files low/a.ts, low/b.ts import each other at run time'],
        ['file-cycle', 'the files low/self.ts import each other at run time'],
        ['folder-cycle', 'the folders mid/, top/ import each other'],
      ],
    );
    assert.match(cycles[2].message, /mid\/m\.ts:1 → top\/t\.ts; top\/t\.ts:1 → mid\/m\.ts/);
  });

  it('finds code an independent implementation shares, however deep', () => {
    const files = new Map<string, string>([
      ['low/date.ts', 'export const day = 1;'],
      ['low/step.ts', "import { day } from './date.ts';\nexport const step = day;"],
      ['low/types.ts', 'export type Day = number;'],
      ['apart/own.ts', "import { step } from '../low/step.ts';\nimport type { Day } from '../low/types.ts';"],
      ['apart/oracle.ts', "import './own.ts';"],
      ['mid/engine.ts', "import { day } from '../low/date.ts';\nimport type { Day } from '../low/types.ts';"],
    ]);
    const rule = { file: 'apart/oracle.ts', apart: 'mid', why: 'two implementations' };
    const found = checkImports(files, TABLE, [rule]);
    assert.deepEqual(
      found.map((v) => v.message),
      ['apart/oracle.ts and mid/ both run low/date.ts (apart/oracle.ts → apart/own.ts → low/step.ts → low/date.ts; mid/engine.ts → low/date.ts): two implementations'],
    );
    files.set('low/step.ts', 'export const step = 1;');
    assert.deepEqual(checkImports(files, TABLE, [rule]), [], 'sharing only types is not sharing code');
    assert.deepEqual(checkImports(files, TABLE, [{ ...rule, file: 'apart/gone.ts' }]).map((v) => v.rule), ['independence'], 'a rule about a file that is gone');
  });

  it('checks the table: unknown folders, a row naming itself, rows importing each other', () => {
    assert.deepEqual(checkTable(TABLE), []);
    assert.deepEqual(
      checkTable([
        { folder: 'a', holds: '', mayImport: ['b', 'nowhere'] },
        { folder: 'b', holds: '', mayImport: ['a/index.ts', 'b'] },
      ]),
      ['a/ may import nowhere, which is not a folder of the table', 'b/ lists itself', 'the table lets a/, b/ import each other'],
    );
  });
});
