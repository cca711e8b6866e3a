// compose.yaml as the container test reads it: the plain YAML subset the file keeps to — block
// maps and lists by indentation, flow lists of scalars (`["a", "b"]`), quoted and plain scalars,
// comments — enough for the services, their commands, variables and dependencies. Anything
// outside the subset (anchors, flow maps, multi-line scalars) is refused, never guessed.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function scalar(raw: string, no: number): YamlValue {
  const t = raw.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`compose.yaml line ${no}: unclosed quote`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`compose.yaml line ${no}: unclosed quote`);
    return t.slice(1, -1).replaceAll("''", "'");
  }
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new Error(`compose.yaml line ${no}: a flow list must end on its line`);
    const inner = t.slice(1, -1).trim();
    if (inner === '') return [];
    const items: YamlValue[] = [];
    const item = /\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,"']+?)\s*(,|$)/y;
    while (item.lastIndex < inner.length) {
      const m = item.exec(inner);
      if (!m) throw new Error(`compose.yaml line ${no}: a flow list this parser cannot read`);
      items.push(scalar(m[1], no));
      if (m[2] === '') break;
    }
    return items;
  }
  if (/^[{&*!|>]/.test(t)) throw new Error(`compose.yaml line ${no}: '${t[0]}' is outside the YAML subset this file keeps to`);
  return t;
}

/** `key: value` with the value's text, or null when the line is not a map entry. */
function entry(text: string): { key: string; rest: string } | null {
  const m = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.\-/${}:?]+?):(?:\s+(.*))?$/.exec(text);
  if (!m) return null;
  return { key: m[1].replace(/^["']|["']$/g, ''), rest: m[2] ?? '' };
}

function stripComment(text: string): string {
  // a # starts a comment outside quotes when it begins the line or follows a space
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || text[i - 1] === ' ')) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

function parseBlock(lines: Line[], start: number, indent: number): { value: YamlValue; next: number } {
  const first = lines[start];
  if (first.text.startsWith('- ') || first.text === '-') {
    const list: YamlValue[] = [];
    let i = start;
    while (i < lines.length && lines[i].indent === indent && (lines[i].text.startsWith('- ') || lines[i].text === '-')) {
      const rest = lines[i].text.slice(1).trim();
      if (rest === '') {
        const sub = parseBlock(lines, i + 1, lines[i + 1].indent);
        list.push(sub.value);
        i = sub.next;
      } else if (entry(rest) && !rest.startsWith('"')) {
        // `- key: value` starts a map inside the list
        const inner: Line[] = [{ indent: indent + 2, text: rest, no: lines[i].no }];
        let j = i + 1;
        while (j < lines.length && lines[j].indent > indent) inner.push(lines[j++]);
        list.push(parseBlock(inner, 0, indent + 2).value);
        i = j;
      } else {
        list.push(scalar(rest, lines[i].no));
        i += 1;
      }
    }
    return { value: list, next: i };
  }
  const map: { [key: string]: YamlValue } = {};
  let i = start;
  while (i < lines.length && lines[i].indent === indent) {
    const e = entry(lines[i].text);
    if (!e) throw new Error(`compose.yaml line ${lines[i].no}: expected 'key: value', got '${lines[i].text}'`);
    if (Object.hasOwn(map, e.key)) throw new Error(`compose.yaml line ${lines[i].no}: '${e.key}' twice`);
    if (e.rest === '') {
      if (i + 1 < lines.length && lines[i + 1].indent > indent) {
        const sub = parseBlock(lines, i + 1, lines[i + 1].indent);
        map[e.key] = sub.value;
        i = sub.next;
      } else {
        map[e.key] = null;
        i += 1;
      }
    } else {
      map[e.key] = scalar(e.rest, lines[i].no);
      i += 1;
    }
  }
  if (i < lines.length && lines[i].indent > indent) throw new Error(`compose.yaml line ${lines[i].no}: unexpected indentation`);
  return { value: map, next: i };
}

export function parseYaml(text: string): YamlValue {
  const lines: Line[] = [];
  text.split('\n').forEach((rawLine, idx) => {
    if (rawLine.includes('\t')) throw new Error(`compose.yaml line ${idx + 1}: a tab`);
    const stripped = stripComment(rawLine);
    if (stripped.trim() === '') return;
    lines.push({ indent: stripped.search(/\S/), text: stripped.trim(), no: idx + 1 });
  });
  if (lines.length === 0) return null;
  const { value, next } = parseBlock(lines, 0, lines[0].indent);
  if (next !== lines.length) throw new Error(`compose.yaml line ${lines[next].no}: unexpected indentation`);
  return value;
}

export interface ComposeService {
  name: string;
  image: string | null;
  build: string | null;
  command: string[];
  environment: Record<string, string>;
  dependsOn: Record<string, string>;
  replicas: number;
  healthcheckDisabled: boolean;
}

const asMap = (v: YamlValue | undefined, what: string): { [key: string]: YamlValue } => {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} is not a map`);
  return v;
};

/** The services of a compose file, with `${VAR}`, `${VAR:-default}` and `${VAR:?message}` taken from `env`. */
export function composeServices(text: string, env: NodeJS.ProcessEnv): ComposeService[] {
  const doc = asMap(parseYaml(text), 'the file');
  const interpolate = (value: string) =>
    value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (op === ':-') return arg ?? '';
      if (op === ':?') throw new Error(`compose.yaml: ${name} is required: ${arg}`);
      return '';
    });
  return Object.entries(asMap(doc.services, 'services')).map(([name, raw]) => {
    const s = asMap(raw, `service ${name}`);
    const command = s.command === undefined || s.command === null ? [] : Array.isArray(s.command) ? s.command.map((c) => interpolate(String(c))) : interpolate(String(s.command)).split(' ');
    const environment = Object.fromEntries(Object.entries(asMap(s.environment, `${name}.environment`)).map(([k, v]) => [k, interpolate(String(v))]));
    const dependsOn = Object.fromEntries(Object.entries(asMap(s.depends_on, `${name}.depends_on`)).map(([k, v]) => [k, String(asMap(v, `${name}.depends_on.${k}`).condition ?? 'service_started')]));
    const replicas = Number(asMap(s.deploy, `${name}.deploy`).replicas ?? 1);
    return {
      name,
      image: typeof s.image === 'string' ? s.image : null,
      build: typeof s.build === 'string' ? s.build : null,
      command,
      environment,
      dependsOn,
      replicas,
      healthcheckDisabled: asMap(s.healthcheck, `${name}.healthcheck`).disable === true,
    };
  });
}

/** Services in an order that starts each after what it depends on. */
export function startOrder(services: readonly ComposeService[]): ComposeService[] {
  const done = new Set<string>();
  const out: ComposeService[] = [];
  const visit = (s: ComposeService, path: string[]) => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`compose.yaml: a dependency cycle ${[...path, s.name].join(' → ')}`);
    for (const dep of Object.keys(s.dependsOn)) {
      const d = services.find((x) => x.name === dep);
      if (!d) throw new Error(`compose.yaml: ${s.name} depends on unknown ${dep}`);
      visit(d, [...path, s.name]);
    }
    done.add(s.name);
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}
