// Chinese labels (with the code kept beside them) for the codes the report shows. Source
// channels are named from the labels the report is given (ReportInput.sources), never from a
// list of sources kept here.
import type { SourceLabel } from '../schemas/source-label.ts';
import type { Action, Decision, ReasonCode, RejectionCode } from '../schemas/types.ts';

export const DECISIONS: readonly Decision[] = ['eligible', 'ineligible', 'suspect', 'excluded'];

export const DECISION_LABEL: Readonly<Record<Decision, string>> = {
  eligible: '具备资格',
  ineligible: '丧失资格',
  suspect: '疑点待核查',
  excluded: '不予认证',
};

/** Worklist actions in the order a county works them; `NONE` is not a worklist. */
export const WORKLIST_ACTIONS: readonly Exclude<Action, 'NONE'>[] = ['STOP', 'SEAL', 'VERIFY', 'RECORD', 'RESTORE'];
export const ACTIONS: readonly Action[] = ['NONE', ...WORKLIST_ACTIONS];

export const ACTION_LABEL: Readonly<Record<Action, string>> = {
  STOP: '停发待遇',
  SEAL: '封存账户',
  VERIFY: '核查',
  RECORD: '补记认证',
  RESTORE: '恢复发放',
  NONE: '无需处理',
};

/** Which decision a reason belongs to: it colours the reason chart. */
export type ReasonGroup = 'eligible' | 'loss' | 'conflict' | 'excluded';

export const REASONS: Readonly<Record<ReasonCode, { label: string; group: ReasonGroup }>> = {
  CERT_VALID: { label: '认证有效期内', group: 'eligible' },
  DEFERRED: { label: '递延认证', group: 'eligible' },
  RELEASED: { label: '刑满释放恢复', group: 'eligible' },
  RECERTIFIED: { label: '重新认证恢复', group: 'eligible' },
  DEATH: { label: '死亡', group: 'loss' },
  IMPRISONED: { label: '服刑', group: 'loss' },
  DUPLICATE: { label: '重复领取', group: 'loss' },
  NATIONALITY_LOST: { label: '丧失国籍', group: 'loss' },
  MISSING: { label: '宣告失踪', group: 'loss' },
  ALIVE_AFTER_DEATH: { label: '死亡后仍有生存迹象', group: 'conflict' },
  SINGLE_SOURCE_DEATH: { label: '单一来源死亡', group: 'conflict' },
  DEATH_DATE_CONFLICT: { label: '死亡日期冲突', group: 'conflict' },
  STATUS_CONFLICT: { label: '户籍状态冲突', group: 'conflict' },
  NAME_MISMATCH: { label: '姓名不一致', group: 'conflict' },
  HUKOU_CANCELLED_OTHER: { label: '其他原因注销户籍', group: 'conflict' },
  SETTLED_ABROAD: { label: '出国定居', group: 'conflict' },
  CERT_EXPIRED: { label: '认证过期', group: 'conflict' },
  ACCOUNT_SEALED: { label: '账户已封存', group: 'excluded' },
  SEAL_DUE: { label: '暂停满24个月应封存', group: 'excluded' },
  REMAINS_SUSPENDED: { label: '继续暂停', group: 'excluded' },
};

export function reasonLabel(code: string): string {
  return Object.hasOwn(REASONS, code) ? REASONS[code as ReasonCode].label : code;
}

export const REJECTION_LABEL: Readonly<Record<RejectionCode, string>> = {
  REQUIRED_MISSING: '必填项缺失',
  CODE_UNKNOWN: '代码无法识别',
  ID_SCIENTIFIC_NOTATION: '身份证号被科学计数法截断',
  ID_FORMAT: '身份证号格式错误',
  ID_CHECKSUM: '身份证号校验位错误',
  ID_BIRTHDATE: '身份证号出生日期无效',
  ID_REGION: '身份证号行政区划无效',
  DATE_INVALID: '日期无效',
  DATE_FUTURE: '日期晚于截止日',
};

export function rejectionLabel(code: string): string {
  return Object.hasOwn(REJECTION_LABEL, code) ? REJECTION_LABEL[code as RejectionCode] : code;
}

/** Delivery states of feedback items, in their life-cycle order. */
export const FEEDBACK_STATES: readonly string[] = ['PENDING', 'SENT', 'CONFIRMED', 'FAILED'];
export const FEEDBACK_STATE_LABEL: Readonly<Record<string, string>> = {
  PENDING: '待发送',
  SENT: '已送达',
  CONFIRMED: '已更正确认',
  FAILED: '发送失败',
};

/** A channel's name in the report. */
export interface ChannelName {
  zh: string;
  /** '' for a channel no source claims */
  en: string;
}

/** How the report names and orders channels: built from the sources' labels it is given. */
export interface ChannelNaming {
  /** `police-4401` → 广州市公安局 (the city from the area table); a channel no source claims is named by itself */
  name(channel: string): ChannelName;
  /** Sort order: the sources' order, instances by key, channels no source claims last. */
  compare(a: string, b: string): number;
}

/**
 * Channel names and order from the source labels (the source registry's, in its order).
 * `areaName` names an instance whose key is an area code (the report's city table).
 */
export function channelNaming(sources: readonly SourceLabel[], areaName: (code: string) => string | undefined): ChannelNaming {
  const find = (channel: string): { rank: number; label: SourceLabel; instance: string | null } | null => {
    for (let rank = 0; rank < sources.length; rank++) {
      const label = sources[rank];
      if (!label.instance && channel === label.source) return { rank, label, instance: null };
      if (label.instance && channel.startsWith(`${label.source}-`)) return { rank, label, instance: channel.slice(label.source.length + 1) };
    }
    return null;
  };
  const fill = (text: string, label: SourceLabel, instance: string | null): string => {
    if (instance === null) return text;
    const area = label.instance === 'area' ? (areaName(instance) ?? instance) : instance;
    return text.replaceAll('{area}', area).replaceAll('{instance}', instance);
  };
  return {
    name(channel: string): ChannelName {
      const found = find(channel);
      if (!found) return { zh: channel, en: '' };
      return { zh: fill(found.label.zh, found.label, found.instance), en: fill(found.label.en, found.label, found.instance) };
    },
    compare(a: string, b: string): number {
      const rank = (c: string) => find(c)?.rank ?? sources.length;
      return rank(a) - rank(b) || compareBytes(a, b);
    },
  };
}

/** Code-unit order; equal to UTF-8 byte order for the codes and ids compared here (all in the BMP). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
