// The ministry's QueryCertData answer read as sources.md says (the list after the incremental
// rules): the encoding declared by a BOM, the XML prolog or the content type is honoured (GBK
// included); a field's value is its text content whatever attributes the element carries
// (`xsi:type`, `xsi:nil`); every <record> of every <records> element is read; an empty or
// truncated body is a transient fault (retried), never a refusal. The paging fields are
// checked before they are believed (kit/paging.ts).
import iconv from 'iconv-lite';
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { MalformedBodyError, SoapFaultError } from '../kit/errors/transport-errors.ts';
import { checkEchoedPage, pagingInteger } from '../kit/paging.ts';
import { XmlSyntaxError, childNamed, childrenNamed, parseXml, textContent } from '../kit/xml.ts';
import type { XmlElement } from '../kit/xml.ts';

export type MinistryRecord = Record<string, string>;

/** Encoding names a source may declare, as iconv-lite knows them (GBK and GB2312 read as their superset GB18030). */
function iconvName(declared: string): string | null {
  const name = declared.trim().toLowerCase();
  if (name === 'gbk' || name === 'gb2312' || name === 'gb18030' || name === 'cp936' || name === 'x-gbk') return 'gb18030';
  return iconv.encodingExists(name) ? name : null;
}

/** The encoding the answer declares: a BOM, then the XML prolog, then the content type's charset; UTF-8 otherwise. */
export function declaredEncoding(bytes: Uint8Array, contentType: string | undefined): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf8';
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // the prolog is ASCII in every encoding a SOAP answer uses: read the first bytes as latin1
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 256)).toString('latin1');
  const prolog = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(head);
  const fromProlog = prolog ? iconvName(prolog[1]) : null;
  if (fromProlog) return fromProlog;
  const charset = contentType ? /charset\s*=\s*"?([A-Za-z0-9._-]{1,40})/i.exec(contentType) : null;
  const fromHeader = charset ? iconvName(charset[1]) : null;
  return fromHeader ?? 'utf8';
}

/** The answer's text in its declared encoding. */
export function decodeAnswer(bytes: Uint8Array, contentType: string | undefined): string {
  const encoding = declaredEncoding(bytes, contentType);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = encoding === 'utf8' ? buf.toString('utf8') : iconv.decode(buf, encoding);
  return text.replace(/^\uFEFF/, '');
}

/** The SOAP Body of an answer; a SOAP fault becomes a SoapFaultError, an empty or broken document a MalformedBodyError. */
export function soapBody(text: string, status: number, request: string): XmlElement {
  if (text.trim() === '') throw new MalformedBodyError(request, 'an empty body where a SOAP envelope was expected', text);
  let doc: XmlElement;
  try {
    doc = parseXml(text);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new MalformedBodyError(request, `not a complete SOAP envelope (${err.message})`, text);
    throw err;
  }
  const envelope = childNamed(doc, 'Envelope');
  const body = envelope && childNamed(envelope, 'Body');
  if (!body) throw new MalformedBodyError(request, 'no SOAP Envelope/Body', text);
  const fault = childNamed(body, 'Fault');
  if (fault) {
    const part = (name: string): string => {
      const el = childNamed(fault, name);
      return el ? textContent(el).trim() : '';
    };
    throw new SoapFaultError(part('faultcode'), part('faultstring'), status, request);
  }
  return body;
}

/** A field element's value: its text content, whatever attributes it carries; `xsi:nil="true"` is empty. */
function fieldValue(element: XmlElement): string {
  for (const [name, value] of Object.entries(element.attributes)) {
    if ((name === 'xsi:nil' || name.endsWith(':nil') || name === 'nil') && value.trim() === 'true') return '';
  }
  return textContent(element);
}

export interface QueryAnswer {
  resultCode: string;
  resultMsg: string;
  totalCount: number;
  records: MinistryRecord[];
}

/** QueryCertDataResponse read from the SOAP Body, its paging fields checked against the page asked for. */
export function readQueryAnswer(body: XmlElement, pageNo: number, request: string): QueryAnswer {
  const response = childNamed(body, 'QueryCertDataResponse');
  if (!response) throw new MalformedBodyError(request, 'the SOAP Body holds no QueryCertDataResponse', '');
  const field = (name: string): string | undefined => {
    const el = childNamed(response, name);
    return el ? fieldValue(el) : undefined;
  };
  const resultCode = (field('resultCode') ?? '').trim();
  const resultMsg = field('resultMsg') ?? '';
  if (resultCode !== '0000') {
    throw new ConnectorError('LIFECERT_CONNECTOR_RESULT_NOT_OK', `ministry QueryCertData answered resultCode ${resultCode || '(none)'}: ${resultMsg}`, { request });
  }
  const totalCount = pagingInteger(field('totalCount'), 'totalCount', request);
  checkEchoedPage(field('pageNo'), 'pageNo', pageNo, request);
  const pageSize = field('pageSize');
  if (pageSize !== undefined) pagingInteger(pageSize, 'pageSize', request);
  const records: MinistryRecord[] = [];
  for (const list of childrenNamed(response, 'records')) {
    for (const rec of childrenNamed(list, 'record')) {
      const out: MinistryRecord = {};
      for (const el of rec.children) {
        // the first of a repeated field counts; a field named like a built-in (`__proto__`) is an own property
        if (Object.hasOwn(out, el.name)) continue;
        Object.defineProperty(out, el.name, { value: fieldValue(el), enumerable: true, writable: true, configurable: true });
      }
      records.push(out);
    }
  }
  return { resultCode, resultMsg, totalCount, records };
}
