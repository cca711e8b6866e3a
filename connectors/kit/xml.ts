// A small XML reader for SOAP answers: one left-to-right scan (indexOf and slices, no pattern
// that backtracks), elements with local names (prefixes dropped), attributes kept apart from
// the text, CDATA, the five predefined entities and character references. No DTD is read and
// no external entity resolved (a DOCTYPE is refused): a source's answer is data, not a program.

export interface XmlElement {
  /** local name, prefix dropped (`soap:Envelope` → `Envelope`) */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** the element's own text pieces, in order (text content also includes the children's) */
  text: string[];
}

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

/**
 * Elements nested deeper than this are not kept as elements: their text joins the element at
 * this depth (a SOAP answer is five or six levels deep; a hostile field may nest thousands).
 */
const MAX_DEPTH = 64;

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replace entity and character references; an unknown or malformed reference is kept as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  let from = 0;
  for (;;) {
    const amp = text.indexOf('&', from);
    if (amp === -1) break;
    // a reference is short: look no further than a few characters (linear on a run of '&')
    const near = text.slice(amp + 1, amp + 13).indexOf(';');
    const semi = near === -1 ? -1 : amp + 1 + near;
    if (semi === -1) {
      out += text.slice(from, amp + 1);
      from = amp + 1;
      continue;
    }
    const ref = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (ref.startsWith('#x') || ref.startsWith('#X')) value = codePoint(Number.parseInt(ref.slice(2), 16), /^[0-9a-fA-F]+$/.test(ref.slice(2)));
    else if (ref.startsWith('#')) value = codePoint(Number.parseInt(ref.slice(1), 10), /^[0-9]+$/.test(ref.slice(1)));
    else if (Object.hasOwn(ENTITIES, ref)) value = ENTITIES[ref];
    if (value === undefined) {
      out += text.slice(from, amp + 1);
      from = amp + 1;
      continue;
    }
    out += text.slice(from, amp) + value;
    from = semi + 1;
  }
  return out + text.slice(from);
}

function codePoint(n: number, wellFormed: boolean): string | undefined {
  if (!wellFormed || !Number.isInteger(n) || n < 0 || n > 0x10ffff) return undefined;
  return String.fromCodePoint(n);
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

function isNameEnd(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '/' || c === '>';
}

/** Attributes of a start tag's inside (`a="1" b='2'`); malformed ones are skipped. */
function parseAttributes(inside: string, attributes: Record<string, string>): void {
  let i = 0;
  const n = inside.length;
  while (i < n) {
    while (i < n && (inside[i] === ' ' || inside[i] === '\t' || inside[i] === '\n' || inside[i] === '\r')) i++;
    const eq = inside.indexOf('=', i);
    if (eq === -1) return;
    const name = inside.slice(i, eq).trim();
    let q = eq + 1;
    while (q < n && (inside[q] === ' ' || inside[q] === '\t' || inside[q] === '\n' || inside[q] === '\r')) q++;
    const quote = inside[q];
    if (quote !== '"' && quote !== "'") return;
    const close = inside.indexOf(quote, q + 1);
    if (close === -1) throw new XmlSyntaxError('an attribute value is not closed');
    if (name !== '') Object.defineProperty(attributes, name, { value: decodeEntities(inside.slice(q + 1, close)), enumerable: true, writable: true, configurable: true });
    i = close + 1;
  }
}

/** Parse a document; returns its root element. Throws XmlSyntaxError on a malformed or truncated document. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: [] };
  const stack: XmlElement[] = [root];
  // open elements beyond MAX_DEPTH: counted, not kept (their text goes to the deepest kept one)
  let overflow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt === -1) {
      if (stack.length > 1) top.text.push(decodeEntities(text.slice(i)));
      break;
    }
    if (lt > i && stack.length > 1) top.text.push(decodeEntities(text.slice(i, lt)));
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) throw new XmlSyntaxError('a comment is not closed');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) throw new XmlSyntaxError('a CDATA section is not closed');
      if (stack.length > 1) top.text.push(text.slice(lt + 9, end));
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlSyntaxError('a processing instruction is not closed');
      i = end + 2;
    } else if (text.startsWith('<!', lt)) {
      throw new XmlSyntaxError('a document type declaration is not accepted');
    } else if (text[lt + 1] === '/') {
      const end = text.indexOf('>', lt + 2);
      if (end === -1) throw new XmlSyntaxError('an end tag is not closed');
      const name = localName(text.slice(lt + 2, end).trim());
      i = end + 1;
      if (overflow > 0) {
        overflow--;
        continue;
      }
      if (stack.length === 1 || top.name !== name) throw new XmlSyntaxError(`an end tag </${name}> does not close the open element`);
      stack.pop();
    } else {
      const end = findTagEnd(text, lt + 1);
      if (end === -1) throw new XmlSyntaxError('a start tag is not closed');
      const selfClosing = text[end - 1] === '/';
      const inside = text.slice(lt + 1, selfClosing ? end - 1 : end);
      let k = 0;
      while (k < inside.length && !isNameEnd(inside[k])) k++;
      const qname = inside.slice(0, k);
      if (qname === '') throw new XmlSyntaxError('an element has no name');
      i = end + 1;
      if (overflow > 0 || stack.length > MAX_DEPTH) {
        if (!selfClosing) overflow++;
        continue;
      }
      const element: XmlElement = { name: localName(qname), attributes: {}, children: [], text: [] };
      parseAttributes(inside.slice(k), element.attributes);
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 1 || overflow > 0) throw new XmlSyntaxError(`the document ends inside <${stack[stack.length - 1].name}> (truncated)`);
  if (root.children.length === 0) throw new XmlSyntaxError('the document holds no element');
  return root;
}

/** The `>` that ends a start tag, skipping quoted attribute values. */
function findTagEnd(text: string, from: number): number {
  let i = from;
  let gt = -1;
  for (;;) {
    // each character is looked at a bounded number of times: gt is searched again only past it
    if (gt < i) gt = text.indexOf('>', i);
    if (gt === -1) return -1;
    // quotes between here and gt: skip each quoted value whole
    let q = -1;
    for (let k = i; k < gt; k++) {
      const c = text.charCodeAt(k);
      if (c === 34 || c === 39) {
        q = k;
        break;
      }
    }
    if (q === -1) return gt;
    const close = text.indexOf(text[q], q + 1);
    if (close === -1) return -1;
    i = close + 1;
  }
}

/** The element's text content: its own text and its descendants', in document order. */
export function textContent(element: XmlElement): string {
  if (element.children.length === 0) return element.text.join('');
  // own text and children interleave in the document; for SOAP values (text or nested text) the order of own pieces then children is enough
  return element.text.join('') + element.children.map(textContent).join('');
}

/** Children with a local name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The first child with a local name. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
