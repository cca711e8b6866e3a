// The dashboard's sections of the feedback loop (issue 10 item 7, workflow.md): the feedback
// backlog per channel — FAILED items are the "dashboard alert" of article 13 —, open and
// overdue cases per county (当月清零), ministry adoption items due and overdue (article 14)
// and import batches per state (article 9). Each is scoped to the viewer's region exactly as
// the API endpoint it summarises is, so the figures are those the API lists.
import { adoptionBacklog } from '../../feedback/adoption.ts';
import { maskPersonId } from '../../lib/mask.ts';
import { BATCH_STATES, casesPerCounty, feedbackBacklog, formatChinaIso, importBatchCounts, listCasePage } from '../../mirror/index.ts';
import type { AdoptionCounts, BatchState } from '../../mirror/index.ts';
import { areaRange, inRegion } from '../region.ts';
import { html, num } from './html.ts';
import { channelLabel, section } from './sections.ts';

function empty(text: string): ReturnType<typeof html> {
  return html`<p class="empty">${text}</p>`;
}

// ---------------------------------------------------------------- feedback backlog per channel

export const FEEDBACK_STATES = ['PENDING', 'SENT', 'CONFIRMED', 'FAILED'] as const;
type FeedbackState = (typeof FEEDBACK_STATES)[number];
const FEEDBACK_STATE_LABELS: Record<FeedbackState, string> = { PENDING: '待发送 pending', SENT: '已发送 sent', CONFIRMED: '已确认 confirmed', FAILED: '失败 failed' };

export interface FeedbackData {
  totals: Record<FeedbackState, number>;
  channels: (Record<FeedbackState, number> & { channel: string; label: string })[];
  /** channels with FAILED items: the alert */
  alerts: string[];
}

export const feedbackSection = section<FeedbackData>({
  id: 'feedback',
  title: '不属实数据反馈 Feedback to departments',
  // GET /api/v1/feedback and the resend are the operators'
  roles: ['operator'],
  async load(ctx, viewer) {
    const rows = await feedbackBacklog(ctx.db, viewer.user.region);
    const totals: Record<FeedbackState, number> = { PENDING: 0, SENT: 0, CONFIRMED: 0, FAILED: 0 };
    const channels = rows.map((r) => {
      for (const s of FEEDBACK_STATES) totals[s] += r[s];
      return { channel: r.channel, label: channelLabel(r.channel), PENDING: r.PENDING, SENT: r.SENT, CONFIRMED: r.CONFIRMED, FAILED: r.FAILED };
    });
    return { totals, channels, alerts: channels.filter((c) => c.FAILED > 0).map((c) => c.channel) };
  },
  render(data) {
    if (data.channels.length === 0) return empty('本区域没有反馈事项 No feedback item lies in your region.');
    return html`${data.alerts.length > 0
        ? html`<p class="alert" role="alert" data-alert="feedback-failed">⚠ 反馈失败 ${num(data.totals.FAILED)} 条，需重新发送 — ${num(data.totals.FAILED)} feedback items FAILED (${data.alerts.map((c) => html`<code>${c}</code> `)}): resend with <code>POST /api/v1/feedback/{feedbackId}/resend</code></p>`
        : ''}
      <table class="feedback"><thead><tr><th>部门 Department</th>${FEEDBACK_STATES.map((s) => html`<th class="n">${FEEDBACK_STATE_LABELS[s]}</th>`)}</tr></thead>
      <tbody>${data.channels.map((c) => html`<tr data-channel="${c.channel}"${c.FAILED > 0 ? html` class="alert-row"` : ''}><td><b>${c.label}</b><br><code>${c.channel}</code></td>
        ${FEEDBACK_STATES.map((s) => html`<td class="n${s === 'FAILED' && c[s] > 0 ? ' bad' : ''}" data-state="${s}">${num(c[s])}</td>`)}</tr>`)}</tbody>
      <tfoot><tr data-channel="total"><th>合计 Total</th>${FEEDBACK_STATES.map((s) => html`<td class="n" data-state="${s}">${num(data.totals[s])}</td>`)}</tr></tfoot></table>`;
  },
});

// ---------------------------------------------------------------- cases per county

export interface CasesData {
  totals: { open: number; overdue: number };
  counties: { areaCode: string; open: number; overdue: number }[];
  /** the first overdue cases (oldest county first), identity numbers masked */
  overdue: { caseId: string; areaCode: string; period: string; personId: string; openedAt: string; ageDays: number }[];
}

/** How many overdue cases the section lists by name (the rest: GET /api/v1/cases?overdue=true). */
export const OVERDUE_SHOWN = 10;

export const casesSection = section<CasesData>({
  id: 'cases',
  title: '疑点核查 Open and overdue cases per county',
  // county staff work them; operators watch the province's progress
  roles: ['county-staff', 'operator'],
  async load(ctx, viewer) {
    const now = formatChinaIso(ctx.now());
    const counties = (await casesPerCounty(ctx.db, now))
      .filter((c) => inRegion(viewer.user.region, c.areaCode))
      .map((c) => ({ areaCode: c.areaCode, open: Number(c.open), overdue: Number(c.overdue) }));
    const totals = { open: 0, overdue: 0 };
    for (const c of counties) {
      totals.open += c.open;
      totals.overdue += c.overdue;
    }
    const { from, to } = areaRange(viewer.user.region);
    const overdue = totals.overdue === 0 ? [] : await listCasePage(ctx.db, { areaFrom: from, areaTo: to, status: 'OPEN', overdueOnly: true, now, limit: OVERDUE_SHOWN });
    return {
      totals,
      counties,
      overdue: overdue.map((c) => ({ caseId: c.caseId, areaCode: c.areaCode, period: c.period, personId: maskPersonId(c.personId), openedAt: c.openedAt, ageDays: c.ageDays })),
    };
  },
  render(data) {
    if (data.counties.length === 0) return empty('本区域没有未结案件 No open case lies in your region.');
    return html`<p class="summary">未结 open <b data-count="open">${num(data.totals.open)}</b> 逾期 overdue <b data-count="overdue" class="${data.totals.overdue > 0 ? 'bad' : ''}">${num(data.totals.overdue)}</b>
        <span class="hint">逾期: 开案当月结束仍未结案（当月清零） — overdue: still open after the end of the month it was opened in</span></p>
      <table class="cases"><thead><tr><th>县(区) County</th><th class="n">未结 Open</th><th class="n">逾期 Overdue</th></tr></thead>
      <tbody>${data.counties.map((c) => html`<tr data-area="${c.areaCode}"><td><code>${c.areaCode}</code></td><td class="n" data-field="open">${num(c.open)}</td><td class="n${c.overdue > 0 ? ' bad' : ''}" data-field="overdue">${num(c.overdue)}</td></tr>`)}</tbody></table>
      ${data.overdue.length === 0
        ? ''
        : html`<h3>逾期案件 Overdue cases${data.totals.overdue > data.overdue.length ? html` (前 ${data.overdue.length} / ${num(data.totals.overdue)}, <code>GET /api/v1/cases?overdue=true</code>)` : ''}</h3>
        <table class="overdue"><thead><tr><th>案件 Case</th><th>县(区) County</th><th>期间 Period</th><th>人员 Person</th><th class="n">天数 Age (days)</th></tr></thead>
        <tbody>${data.overdue.map((c) => html`<tr data-case="${c.caseId}"><td><code>${c.caseId}</code></td><td><code>${c.areaCode}</code></td><td>${c.period}</td><td><code>${c.personId}</code></td><td class="n">${c.ageDays}</td></tr>`)}</tbody></table>`}`;
  },
});

// ---------------------------------------------------------------- adoption items due and overdue

export type AdoptionData = AdoptionCounts;

export const adoptionSection = section<AdoptionData>({
  id: 'adoption',
  title: '部平台采纳情况反馈 Ministry adoption feedback',
  // GET /api/v1/adoption is the operators'
  roles: ['operator'],
  load(ctx, viewer) {
    return adoptionBacklog(ctx.db, ctx.now(), viewer.user.region);
  },
  render(data) {
    if (data.open === 0 && data.sent === 0) return empty('本区域没有采纳反馈事项 No adoption item lies in your region.');
    return html`<p class="summary">2 天内到期 due within 2 days <b data-count="due" class="${data.due > 0 ? 'bad' : ''}">${num(data.due)}</b>
        逾期 overdue <b data-count="overdue" class="${data.overdue > 0 ? 'bad' : ''}">${num(data.overdue)}</b>
        未反馈 not yet sent <b data-count="open">${num(data.open)}</b> 已反馈 sent <b data-count="sent">${num(data.sent)}</b>
        <span class="hint">期限: 首次收到后 10 天（境外）或 30 天（认证渠道 06、出行、就医），按北京时间 — deadline: 10 / 30 days after first receipt, China dates · <code>GET /api/v1/adoption?status=due|overdue</code> · <code>lifecert adoption list --status due</code></span></p>`;
  },
});

// ---------------------------------------------------------------- import batches per state

const BATCH_STATE_LABELS: Record<BatchState, string> = {
  OPEN: '待一级审核 open', APPROVED_L1: '待二级审核 approved L1', IMPORTING: '导入中 importing', IMPORTED: '已导入 imported', IMPORT_FAILED: '导入失败 import failed', STALE: '已失效 stale',
};

export interface BatchesData {
  byState: Record<BatchState, number>;
  total: number;
}

export const batchesSection = section<BatchesData>({
  id: 'batches',
  title: '认证数据导入批次 Import batches',
  // GET /api/v1/batches: operators cut, approvers approve
  roles: ['operator', 'approver-l1', 'approver-l2'],
  async load(ctx, viewer) {
    const { byState } = await importBatchCounts(ctx.db, viewer.user.region);
    return { byState, total: BATCH_STATES.reduce((n, s) => n + byState[s], 0) };
  },
  render(data) {
    if (data.total === 0) return empty('本区域尚无导入批次 No import batch lies in your region.');
    return html`<table class="batches"><thead><tr>${BATCH_STATES.map((s) => html`<th class="n">${BATCH_STATE_LABELS[s]}</th>`)}<th class="n">合计 Total</th></tr></thead>
      <tbody><tr>${BATCH_STATES.map((s) => html`<td class="n${s === 'IMPORT_FAILED' && data.byState[s] > 0 ? ' bad' : ''}" data-state="${s}">${num(data.byState[s])}</td>`)}<td class="n" data-state="total">${num(data.total)}</td></tr></tbody></table>
      <p class="hint">审核: <code>POST /api/v1/batches/{batchId}/approvals</code> · <code>lifecert batch approve BATCH --level 1|2</code></p>`;
  },
});

/** The loop's sections, in page order. */
export const LOOP_SECTIONS = [feedbackSection, casesSection, adoptionSection, batchesSection] as const;
