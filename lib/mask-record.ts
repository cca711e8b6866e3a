// Masking of whole records (workflow.md "Privacy"): the raw records of the five sources name
// identity numbers and names in their own field names (sources.md), and audit details name
// users. Every identity-number-looking substring elsewhere is masked too.
import { maskIdentityNumbersIn, maskName, maskPersonId } from './mask.ts';

/** The sources' identity-number fields: ministry aac002, big-data GMSFHM, police sfzh, civil 身份证号码, health idNumber (and the hub's own). */
export const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['aac002', 'GMSFHM', 'sfzh', '身份证号码', 'idNumber', 'personId']);
/** The sources' name fields: ministry aac003, big-data XM, police xm, civil 逝者姓名, health name (and the hub's own). */
export const NAME_FIELDS: ReadonlySet<string> = new Set(['aac003', 'XM', 'xm', '逝者姓名', 'name']);

/** A copy of `value` with identity-number and name fields masked and identity numbers masked in every other string. */
export function maskRecord(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && IDENTITY_FIELDS.has(key)) return maskPersonId(value);
    if (key !== undefined && NAME_FIELDS.has(key)) return maskName(value);
    return maskIdentityNumbersIn(value);
  }
  if (Array.isArray(value)) return value.map((v: unknown) => maskRecord(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskRecord(v, k)]));
  }
  return value;
}
