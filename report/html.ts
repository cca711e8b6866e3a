// Escaping by construction: every value interpolated into `html\`...\`` is escaped unless it is
// already SafeHtml, so a name or raw value from a source can never become markup.
import { createError } from '../lib/errors.ts';

const SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// C0 controls other than tab, newline and carriage return are not allowed in an HTML document.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text → HTML text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).toWellFormed().replace(CONTROL, '\uFFFD').replace(SPECIAL, (c) => ENTITY[c]);
}

/** Markup that is known to be safe (built by `html` or by escaping). */
export class SafeHtml {
  readonly html: string;
  constructor(markup: string) {
    this.html = markup;
  }
  toString(): string {
    return this.html;
  }
}

export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function piece(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.html;
  if (Array.isArray(value)) return value.map((v: HtmlValue) => piece(v)).join('');
  if (typeof value === 'number') {
    // a NaN or Infinity on the page is a bug in the aggregation, never something to print
    if (!Number.isFinite(value)) throw createError('LIFECERT_REPORT_VALUE_INVALID', `report: a non-finite number (${value}) reached the page`);
    return String(value);
  }
  return escapeHtml(value as string);
}

/** Tagged template: literal parts are markup, interpolated values are escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Join fragments (rows, cells) into one. */
export function joinHtml(parts: readonly HtmlValue[]): SafeHtml {
  return new SafeHtml(piece(parts));
}
