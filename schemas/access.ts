// Who may do what (workflow.md "Roles and scope"): users, their roles and region, API tokens,
// and the audit log's entries. The gateway checks them; the mirror stores them.

export const ROLES = [
  'admin',
  'integrator',
  'operator',
  'county-staff',
  'approver-l1',
  'approver-l2',
  'benefit-assessor',
  'department',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** 待遇核定人员不得兼任资格认证相关工作: benefit-assessor never together with one of these. */
export const APPROVER_ROLES: readonly Role[] = ['approver-l1', 'approver-l2'];

/** An area-code prefix: `44` the province, `4401` a city, `440106` a county. */
export const REGION_PATTERN = '^44([0-9]{2}){0,2}$';
/** A department's channel (its own feed): the five sources and the insurance systems' feed. */
export const USER_CHANNEL_PATTERN = '^(ministry|bigdata|police-44[0-9]{2}|civil|health|insurance)$';

export interface User {
  userId: string;
  name: string;
  roles: Role[];
  region: string;
  /** a department's own channel; null for every other user */
  channel: string | null;
  /** ISO 8601 +08:00 */
  createdAt: string;
  /** the administrator's user id, or `cli:<os user>` */
  createdBy: string;
}

export interface ApiToken {
  tokenId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  createdBy: string;
}

/** One change, as written to the append-only audit log (workflow.md: every change). */
export interface AuditEntry {
  /** ISO 8601 +08:00, milliseconds only when not zero */
  at: string;
  /** `user:<id>`, `cli:<os user>` or `schedule:<name>` */
  actor: string;
  /** `run.start`, `connector.pull`, `user.create`, `token.create`, `token.revoke`, ... */
  action: string;
  /** `run:<id>`, `user:<id>`, `token:<id>` */
  target: string;
  /** what was asked: the request's fields (never a secret or a token) */
  details: Record<string, unknown>;
  /** before 08:30 or from 18:00 China time, or on a non-working day (article 9) */
  outOfHours: boolean;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}
