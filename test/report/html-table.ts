// Read the report's own tables back as text cells, so tests assert on what a reader sees.

function text(cellHtml: string): string {
  return cellHtml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The body rows of `<table class="{cls}">`, each as its cells' text. */
export function tableRows(page: string, cls: string): string[][] {
  const start = page.indexOf(`<table class="${cls}">`);
  if (start < 0) throw new Error(`no table of class ${cls}`);
  const body = page.slice(page.indexOf('<tbody>', start), page.indexOf('</table>', start));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1])));
}

/** The row whose first cell contains `key`. */
export function rowOf(page: string, cls: string, key: string): string[] {
  const row = tableRows(page, cls).find((cells) => cells[0]?.includes(key));
  if (!row) throw new Error(`no row for ${key} in table ${cls}`);
  return row;
}
