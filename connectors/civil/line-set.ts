// Line numbers that held a row, kept in the cursor state as compact ranges (`2-480,482-900`)
// so that the state of a year of daily files stays small.

export function encodeLines(lines: Iterable<number>): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function decodeLines(encoded: string): number[] {
  const out: number[] = [];
  for (const part of encoded.split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    for (let n = a; n <= (Number.isInteger(b) ? b : a); n++) out.push(n);
  }
  return out;
}
