// The markdown table of docs/architecture.md as layers.ts says it should read, and the table as
// a markdown file does read: the test compares the two cell for cell.
import type { Layer } from './layers.ts';

const code = (s: string) => `\`${s}\``;

/** `schemas/` for a folder, `pipeline/index.ts` for an entry file. */
const target = (m: string) => code(m.includes('.') ? m : `${m}/`);

export function layerRow(layer: Layer): string[] {
  const folder = layer.planned ? `${code(`${layer.folder}/`)} (planned: ${layer.planned})` : code(`${layer.folder}/`);
  let may = layer.mayImport.length === 0 ? '—' : layer.mayImport.map(target).join(', ');
  if (layer.pure) may += '; no package, no built-in';
  return [folder, layer.holds, may];
}

export const TABLE_HEADER = ['folder', 'holds', 'may import'];

/** The table as it should appear, one string per line. */
export function renderLayerTable(layers: readonly Layer[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(TABLE_HEADER), line(TABLE_HEADER.map(() => '---')), ...layers.map((l) => line(layerRow(l)))];
}

/** Splits one markdown table line into trimmed cells (a `|` inside backticks stays in its cell). */
export function tableCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (const c of body) {
    if (c === '`') inCode = !inCode;
    if (c === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** The rows (header and separator dropped) of the first table after the heading `heading`. */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const at = lines.findIndex((l) => l.trim() === heading);
  if (at < 0) throw new Error(`no heading "${heading}"`);
  let i = at + 1;
  while (i < lines.length && !lines[i].trimStart().startsWith('|')) {
    if (lines[i].startsWith('#')) throw new Error(`no table under "${heading}"`);
    i++;
  }
  const rows: string[][] = [];
  for (; i < lines.length && lines[i].trimStart().startsWith('|'); i++) rows.push(tableCells(lines[i]));
  return rows.slice(2);
}
