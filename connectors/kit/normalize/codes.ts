// Code tables (normalization.md "Codes"): each source's code values mapped to canonical ones.
// Police write household codes as Chinese text, the big-data center as numeric codes; both map
// to the same canonical values so a police record and its big-data relay compare equal.
import type { AliveSignal, HukouCancelReason, Origin } from '../../../schemas/types.ts';

export type CodeTable<T extends string> = Readonly<Record<string, T>>;

/** Look a code up after trimming (white space incl. U+3000); null when unknown or empty. */
export function lookupCode<T extends string>(table: CodeTable<T>, value: string | undefined): T | null {
  if (value === undefined) return null;
  const key = value.trim();
  return Object.hasOwn(table, key) ? table[key] : null;
}

export type HukouStatus = 'NORMAL' | 'CANCELLED';

/** Big-data `HKZT`. */
export const BIGDATA_HUKOU_STATUS: CodeTable<HukouStatus> = { '1': 'NORMAL', '2': 'CANCELLED' };
/** Police `hjzt`. */
export const POLICE_HUKOU_STATUS: CodeTable<HukouStatus> = { 正常: 'NORMAL', 注销: 'CANCELLED' };

/** A hukou cancellation reason: the two death reasons become DEATH events, the rest HUKOU_CANCELLED. */
export type CancelReason = 'DEATH' | 'DECLARED_DEAD' | HukouCancelReason;

/** Big-data `ZXYYDM`. */
export const BIGDATA_CANCEL_REASON: CodeTable<CancelReason> = {
  '01': 'DEATH',
  '02': 'DECLARED_DEAD',
  '03': 'EMIGRATED', // 出国定居
  '04': 'MISSING', // 宣告失踪
  '05': 'MOVED_OUT', // 迁出
  '06': 'MILITARY', // 服兵役
  '07': 'NATIONALITY_LOST', // 丧失国籍
  '99': 'OTHER',
};

/** Police `zxyy` (text). */
export const POLICE_CANCEL_REASON: CodeTable<CancelReason> = {
  死亡: 'DEATH',
  宣告死亡: 'DECLARED_DEAD',
  出国定居: 'EMIGRATED',
  宣告失踪: 'MISSING',
  迁出: 'MOVED_OUT',
  服兵役: 'MILITARY',
  丧失国籍: 'NATIONALITY_LOST',
  其他: 'OTHER',
};

/** Whether a cancellation reason makes the hukou record a DEATH event. */
export function isDeathReason(reason: CancelReason): reason is 'DEATH' | 'DECLARED_DEAD' {
  return reason === 'DEATH' || reason === 'DECLARED_DEAD';
}

function invert<T extends string>(table: CodeTable<T>): Readonly<Record<T, string>> {
  const out: Partial<Record<T, string>> = {};
  for (const [code, canonical] of Object.entries(table) as [string, T][]) out[canonical] = code;
  return out as Record<T, string>;
}

const BIGDATA_REASON_CODE = invert(BIGDATA_CANCEL_REASON);
const POLICE_REASON_TEXT = invert(POLICE_CANCEL_REASON);
const BIGDATA_STATUS_CODE = invert(BIGDATA_HUKOU_STATUS);
const POLICE_STATUS_TEXT = invert(POLICE_HUKOU_STATUS);

/** Police `zxyy` text → big-data `ZXYYDM` code (`出国定居` → `03`); null when unknown. */
export function policeReasonToBigdataCode(text: string): string | null {
  const reason = lookupCode(POLICE_CANCEL_REASON, text);
  return reason === null ? null : BIGDATA_REASON_CODE[reason];
}

/** Big-data `ZXYYDM` code → police `zxyy` text (`03` → `出国定居`); null when unknown. */
export function bigdataReasonToPoliceText(code: string): string | null {
  const reason = lookupCode(BIGDATA_CANCEL_REASON, code);
  return reason === null ? null : POLICE_REASON_TEXT[reason];
}

/** Police `hjzt` text → big-data `HKZT` code (`注销` → `2`); null when unknown. */
export function policeStatusToBigdataCode(text: string): string | null {
  const status = lookupCode(POLICE_HUKOU_STATUS, text);
  return status === null ? null : BIGDATA_STATUS_CODE[status];
}

/** Big-data `HKZT` code → police `hjzt` text (`1` → `正常`); null when unknown. */
export function bigdataStatusToPoliceText(code: string): string | null {
  const status = lookupCode(BIGDATA_HUKOU_STATUS, code);
  return status === null ? null : POLICE_STATUS_TEXT[status];
}

/** Big-data `SJLY`: the originating department (independence of evidence counts by it). */
export const BIGDATA_ORIGIN: CodeTable<Origin> = {
  省公安厅: 'police',
  省卫生健康委: 'health',
  省民政厅: 'civil',
  省司法厅: 'justice',
  省监狱管理局: 'justice',
};

/** Ministry `BENEFIT` `detailCode`: insurance type. */
export const INSURANCE_TYPE: CodeTable<'110' | '120' | '170'> = {
  '110': '110', // enterprise employees' basic pension (企业职工基本养老保险)
  '120': '120', // public institutions' pension (机关事业单位养老保险)
  '170': '170', // urban-rural residents' pension (城乡居民基本养老保险)
};
/** The person's own residents' pension: a 170 paid by a Guangdong province code is no other benefit. */
export const RESIDENTS_PENSION = '170';
export const GUANGDONG_PREFIX = '44';

/** Ministry `AUTH` `channel`. */
export const AUTH_CHANNEL: CodeTable<'FACE_AUTH' | 'REMOTE_ASSIST'> = {
  '01': 'FACE_AUTH', // e-social-security card
  '02': 'FACE_AUTH', // national public service platform
  '03': 'FACE_AUTH', // 掌上12333
  '04': 'FACE_AUTH', // 广东人社 app
  '05': 'FACE_AUTH', // 粤省事
  '06': 'REMOTE_ASSIST', // 异地协助认证
};

/** Ministry `AUTH` / `OVERSEAS` `result`. */
export const AUTH_RESULT: CodeTable<'PASS' | 'FAIL'> = { '1': 'PASS', '0': 'FAIL' };

/** Health `idType`. */
export const HEALTH_ID_TYPE: CodeTable<'RESIDENT_ID' | 'PASSPORT' | 'HMT_PERMIT'> = {
  '01': 'RESIDENT_ID',
  '02': 'PASSPORT',
  '03': 'HMT_PERMIT', // 港澳台居民来往内地通行证
};

/** Sex as each source writes it → roster sex (`1` male, `2` female, `9` unknown). Optional: carried as given. */
export const SEX: CodeTable<'1' | '2' | '9'> = {
  '1': '1', '2': '2', '9': '9', 男: '1', 女: '2', M: '1', F: '2',
};

/** Evidence strength of a sign of life: the person authenticated themselves, or was seen. */
export function aliveStrength(signal: AliveSignal): 'strong' | 'weak' {
  return signal === 'FACE_AUTH' || signal === 'REMOTE_ASSIST' || signal === 'OVERSEAS_AUTH' || signal === 'ONSITE'
    ? 'strong'
    : 'weak';
}

/** Six digits, the form of a province / county code such as `aab301`. */
export function isSixDigitCode(value: string): boolean {
  return /^\d{6}$/.test(value.trim());
}
