// Finds every module reference in one TypeScript or JavaScript source: static imports (also
// `import type`), side-effect imports, re-exports (`export … from`), dynamic `import()` and
// `require()`. A small tokenizer rather than a regular expression over the text, so that an
// import written inside a comment, a string or a template is not taken for one, and one
// split over several lines is.

export type ImportKind = 'import' | 'side-effect' | 're-export' | 'dynamic' | 'require';

export interface ImportRef {
  /** what the source asked for; null when a dynamic import or require computes it */
  specifier: string | null;
  /** 1-based line of the `import` / `export` / `require` keyword */
  line: number;
  kind: ImportKind;
  /** `import type …` / `export type … from`: erased at run time, still a dependency of the design */
  typeOnly: boolean;
}

type TokenType = 'name' | 'string' | 'template' | 'number' | 'regex' | 'punct';

interface Token {
  type: TokenType;
  value: string;
  line: number;
}

// After one of these words an expression starts, so a `/` there opens a regular expression.
const EXPRESSION_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const isNameStart = (c: string) => /[A-Za-z_$\u00a0-\uffff]/.test(c);
const isNamePart = (c: string) => /[A-Za-z0-9_$\u00a0-\uffff]/.test(c);

/** Splits a source into tokens, dropping comments; string values are unquoted (escapes kept raw). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // `template`: inside `${…}` of a template literal; `brace`: an ordinary `{`
  const braces: Array<'brace' | 'template'> = [];
  let i = 0;
  let line = 1;
  const n = source.length;

  const regexAllowed = (): boolean => {
    const last = tokens[tokens.length - 1];
    if (!last) return true;
    if (last.type === 'name') return EXPRESSION_KEYWORDS.has(last.value);
    if (last.type === 'punct') return last.value !== ')' && last.value !== ']';
    return false;
  };

  // Reads template text from i (just after ` or }) to the closing ` or the next `${`.
  const templateChunk = (startLine: number): void => {
    let text = '';
    while (i < n) {
      const c = source[i];
      if (c === '\\') {
        text += source.slice(i, i + 2);
        if (source[i + 1] === '\n') line++;
        i += 2;
        continue;
      }
      if (c === '`') {
        i++;
        tokens.push({ type: 'template', value: text, line: startLine });
        return;
      }
      if (c === '$' && source[i + 1] === '{') {
        i += 2;
        braces.push('template');
        tokens.push({ type: 'template', value: text, line: startLine });
        tokens.push({ type: 'punct', value: '${', line });
        return;
      }
      if (c === '\n') line++;
      text += c;
      i++;
    }
    throw new SyntaxError(`unterminated template literal from line ${startLine}`);
  };

  while (i < n) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\ufeff' || c === '\u00a0') {
      i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError(`unterminated comment from line ${line}`);
      for (let k = i; k < end; k++) if (source[k] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === '#' && i === 0 && source[1] === '!') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const startLine = line;
      let text = '';
      i++;
      while (i < n && source[i] !== c) {
        if (source[i] === '\\') {
          text += source.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (source[i] === '\n') throw new SyntaxError(`unterminated string on line ${startLine}`);
        text += source[i];
        i++;
      }
      if (i >= n) throw new SyntaxError(`unterminated string on line ${startLine}`);
      i++;
      tokens.push({ type: 'string', value: text, line: startLine });
      continue;
    }
    if (c === '`') {
      i++;
      templateChunk(line);
      continue;
    }
    if (isNameStart(c)) {
      const start = i;
      while (i < n && isNamePart(source[i])) i++;
      tokens.push({ type: 'name', value: source.slice(start, i), line });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const start = i;
      while (i < n && /[0-9A-Za-z_.]/.test(source[i])) i++;
      tokens.push({ type: 'number', value: source.slice(start, i), line });
      continue;
    }
    if (c === '/' && regexAllowed()) {
      const start = i;
      let inClass = false;
      i++;
      while (i < n) {
        const r = source[i];
        if (r === '\n') throw new SyntaxError(`unterminated regular expression on line ${line}`);
        if (r === '\\') {
          i += 2;
          continue;
        }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < n && isNamePart(source[i])) i++;
      tokens.push({ type: 'regex', value: source.slice(start, i), line });
      continue;
    }
    if (c === '{') {
      braces.push('brace');
      tokens.push({ type: 'punct', value: c, line });
      i++;
      continue;
    }
    if (c === '}') {
      const open = braces.pop();
      i++;
      if (open === 'template') {
        templateChunk(line);
        continue;
      }
      tokens.push({ type: 'punct', value: c, line });
      continue;
    }
    // `?.` is one token so that `a?.import(…)` reads as a member access
    if (c === '?' && source[i + 1] === '.' && !/[0-9]/.test(source[i + 2] ?? '')) {
      tokens.push({ type: 'punct', value: '?.', line });
      i += 2;
      continue;
    }
    tokens.push({ type: 'punct', value: c, line });
    i++;
  }
  return tokens;
}

/** Every module reference of `source`, in source order. Throws SyntaxError on a source it cannot read. */
export function scanImports(source: string): ImportRef[] {
  const t = tokenize(source);
  const out: ImportRef[] = [];
  const is = (k: number, type: TokenType, value?: string) => t[k] !== undefined && t[k].type === type && (value === undefined || t[k].value === value);
  const memberAccess = (k: number) => k > 0 && t[k - 1].type === 'punct' && (t[k - 1].value === '.' || t[k - 1].value === '?.');

  // From k, read an import or export clause (names, `*`, `as`, `type`, commas and one braced
  // list) up to its `from 'x'`; returns the index of the string, or -1 when the tokens are
  // anything else (`export { a };`, `import x = …`).
  const fromClause = (k: number): number => {
    let depth = 0;
    for (; k < t.length; k++) {
      const tok = t[k];
      if (depth === 0 && tok.type === 'name' && tok.value === 'from' && is(k + 1, 'string')) return k + 1;
      if (tok.type === 'punct' && tok.value === '{') depth++;
      else if (tok.type === 'punct' && tok.value === '}') {
        depth--;
        if (depth === 0 && !is(k + 1, 'name', 'from')) return -1;
      } else if (depth === 0 && tok.type !== 'name' && !(tok.type === 'punct' && (tok.value === ',' || tok.value === '*'))) return -1;
    }
    return -1;
  };

  // A call whose argument is one literal: `(`'x'`)` or `(`'x'`,` (import attributes).
  const literalArgument = (k: number): string | null => {
    if (is(k + 1, 'string') && (is(k + 2, 'punct', ')') || is(k + 2, 'punct', ','))) return t[k + 1].value;
    // a template without substitutions is one chunk followed directly by `)` or `,`
    if (is(k + 1, 'template') && (is(k + 2, 'punct', ')') || is(k + 2, 'punct', ','))) return t[k + 1].value;
    return null;
  };

  for (let k = 0; k < t.length; k++) {
    const tok = t[k];
    if (tok.type !== 'name' || memberAccess(k)) continue;
    if (tok.value === 'import') {
      const next = t[k + 1];
      if (!next) continue;
      if (next.type === 'punct' && next.value === '(') {
        out.push({ specifier: literalArgument(k + 1), line: tok.line, kind: 'dynamic', typeOnly: false });
        continue;
      }
      if (next.type === 'punct' && next.value !== '{' && next.value !== '*') continue; // import.meta, { import: … }
      if (next.type === 'string') {
        out.push({ specifier: next.value, line: tok.line, kind: 'side-effect', typeOnly: false });
        continue;
      }
      const typeOnly = next.type === 'name' && next.value === 'type' && !is(k + 2, 'name', 'from') && !is(k + 2, 'punct', ',');
      const at = fromClause(k + 1);
      if (at < 0) continue; // `import x = …` and the like: not a module reference
      out.push({ specifier: t[at].value, line: tok.line, kind: 'import', typeOnly });
      k = at;
      continue;
    }
    if (tok.value === 'export') {
      let j = k + 1;
      let typeOnly = false;
      if (is(j, 'name', 'type') && (is(j + 1, 'punct', '{') || is(j + 1, 'punct', '*'))) {
        typeOnly = true;
        j++;
      }
      if (!is(j, 'punct', '{') && !is(j, 'punct', '*')) continue;
      const at = fromClause(j);
      if (at < 0) continue; // `export { a, b };` re-exports nothing from elsewhere
      out.push({ specifier: t[at].value, line: tok.line, kind: 're-export', typeOnly });
      k = at;
      continue;
    }
    // only `require('x')` with a literal: a method or parameter named require is no module reference
    if (tok.value === 'require' && is(k + 1, 'punct', '(')) {
      const specifier = literalArgument(k + 1);
      if (specifier !== null && !is(k - 1, 'name', 'function')) out.push({ specifier, line: tok.line, kind: 'require', typeOnly: false });
    }
  }
  return out;
}
