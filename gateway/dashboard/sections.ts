// The dashboard is a list of sections: each names the roles that see it, loads its figures for
// the viewer (inside the viewer's region, masked) and renders them. The feedback loop's sections
// (backlog per channel, cases per county, adoption items due, batches) are in loop-sections.ts;
// default-sections.ts lists them all; createGateway's `dashboardSections` adds more.
import { lastMatchedRun, listRuns, rejectionsPerChannel, runDecisionsPerCounty } from '../../mirror/index.ts';
import { maskText } from '../../lib/mask.ts';
import type { Role, User } from '../../schemas/access.ts';
import type { RunStatus } from '../../schemas/runs.ts';
import { healthColour, readConnectorHealth, worstColour } from '../connector-health.ts';
import type { HealthColour } from '../connector-health.ts';
import type { GatewayContext } from '../context.ts';
import { areaRange, channelArea, inRegion } from '../region.ts';
import { html, num } from './html.ts';
import type { Html } from './html.ts';

/** Who is looking: the dashboard shows only what their roles and region allow. */
export interface Viewer {
  user: User;
}

export interface DashboardSection<T = unknown> {
  /** stable id: the HTML anchor and the key in the JSON twin */
  id: string;
  /** Chinese first, English after */
  title: string;
  /** the roles that see it (a viewer needs one) */
  roles: readonly Role[];
  /** province-wide figures that cannot be split by region: shown to viewers of region 44 only */
  provinceOnly?: boolean;
  /** the figures for this viewer: inside their region, personal data masked (the JSON twin serves them as they are) */
  load(ctx: GatewayContext, viewer: Viewer): Promise<T>;
  render(data: T, viewer: Viewer): Html;
}

/** A section typed by its data, stored in a list of sections of any data. */
export function section<T>(s: DashboardSection<T>): DashboardSection {
  return s as unknown as DashboardSection;
}

export function sectionVisible(s: DashboardSection, user: User): boolean {
  return user.roles.some((r) => s.roles.includes(r)) && (!s.provinceOnly || user.region === '44');
}

// ---------------------------------------------------------------- labels

export const CHANNEL_LABELS: Record<string, string> = {
  ministry: '人社部平台 ministry',
  bigdata: '省政务大数据中心 big-data center',
  civil: '民政 civil affairs',
  health: '卫健 health',
};

export function channelLabel(channel: string): string {
  const police = /^police-(\d{4})$/.exec(channel);
  if (police) return `公安 ${police[1]} police`;
  return CHANNEL_LABELS[channel] ?? channel;
}

const STATE_LABELS: Record<string, string> = { QUEUED: '排队 queued', RUNNING: '运行中 running', SUCCEEDED: '成功 succeeded', FAILED: '失败 failed' };
const STEP_LABELS: Record<string, string> = { pull: '拉取 pull', match: '比对 match', publish: '发布 publish' };
export const DECISIONS = ['eligible', 'ineligible', 'suspect', 'excluded'] as const;
const DECISION_LABELS: Record<(typeof DECISIONS)[number], string> = { eligible: '符合 eligible', ineligible: '不符合 ineligible', suspect: '疑点 suspect', excluded: '排除 excluded' };
const COLOUR_LABELS: Record<HealthColour, string> = { green: '正常', amber: '注意', red: '异常' };

function time(iso: string | null | undefined): string {
  // 2026-11-20T10:00:00+08:00 → 2026-11-20 10:00 (China time, as stored)
  return iso ? iso.replace('T', ' ').slice(0, 16) : '—';
}

function badge(state: string): Html {
  return html`<span class="badge s-${state.toLowerCase()}" data-state="${state}">${STATE_LABELS[state] ?? state}</span>`;
}

function dot(colour: HealthColour): Html {
  return html`<span class="dot ${colour}" data-colour="${colour}" title="${colour}">${COLOUR_LABELS[colour]}</span>`;
}

function bar(done: number, total: number | null): Html {
  const pct = total === null || total === 0 ? 0 : Math.min(100, Math.round((done / total) * 100));
  return html`<span class="bar" title="${pct}%"><span style="width:${pct}%"></span></span>`;
}

function empty(text: string): Html {
  return html`<p class="empty">${text}</p>`;
}

// ---------------------------------------------------------------- connector health

export interface ConnectorsData {
  counts: Record<HealthColour, number>;
  connectors: {
    name: string;
    label: string;
    colour: HealthColour;
    datasets: {
      dataset: string;
      colour: HealthColour;
      reason: string;
      lastSuccessAt: string | null;
      lagSeconds: number | null;
      errorRate: number | null;
      recentPulls: number;
      lastPullStatus: string | null;
      lastPullError: string | null;
      staged: number;
      rejected: number;
    }[];
  }[];
}

export const connectorsSection = section<ConnectorsData>({
  id: 'connectors',
  title: '数据源健康 Connector health',
  roles: ['operator', 'integrator', 'admin'],
  async load(ctx, viewer) {
    const visible = [...ctx.connectors].filter((c) => inRegion(viewer.user.region, channelArea(c.channel))).sort((a, b) => (a.channel < b.channel ? -1 : 1));
    const health = await readConnectorHealth(ctx, visible);
    const now = ctx.now();
    const counts: Record<HealthColour, number> = { green: 0, amber: 0, red: 0 };
    const connectors = health.map((c) => {
      const datasets = c.datasets.map((d) => {
        const { colour, reason } = healthColour(d, now);
        return {
          dataset: d.dataset, colour, reason, lastSuccessAt: d.lastSuccessAt, lagSeconds: d.lagSeconds, errorRate: d.errorRate, recentPulls: d.recentPulls,
          lastPullStatus: d.lastPull?.status ?? null, lastPullError: d.lastPull?.error ?? null, staged: d.records.staged, rejected: d.records.rejected,
        };
      });
      const colour = worstColour(datasets.map((d) => d.colour));
      counts[colour] += 1;
      return { name: c.name, label: channelLabel(c.name), colour, datasets };
    });
    return { counts, connectors };
  },
  render(data) {
    if (data.connectors.length === 0) return empty('本区域没有配置数据源 No connector lies in your region.');
    return html`<p class="summary">
        <span class="dot green"></span>正常 green <b data-count="green">${data.counts.green}</b>
        <span class="dot amber"></span>注意 amber <b data-count="amber">${data.counts.amber}</b>
        <span class="dot red"></span>异常 red <b data-count="red">${data.counts.red}</b>
        <span class="hint">红: 36 小时无成功拉取或失败率 &gt; 50% · 黄: 26 小时无成功、近 7 天有失败 — red: no success for 36 h or over half the pulls of 7 days failed; amber: no success for 26 h or some failed</span>
      </p>
      <table>
        <thead><tr><th>数据源 Connector</th><th>数据集 Dataset</th><th>状态 State</th><th>上次成功 Last success</th><th>延迟 Lag</th><th>失败率 Error rate (7 d)</th><th>入库 Staged</th><th>拒收 Rejected</th><th>上次拉取 Last pull</th></tr></thead>
        <tbody>
          ${data.connectors.map((c) =>
            c.datasets.map(
              (d, i) => html`<tr data-connector="${c.name}" data-dataset="${d.dataset}" data-colour="${d.colour}">
                ${i === 0 ? html`<td rowspan="${c.datasets.length}" class="conn">${dot(c.colour)} <b>${c.label}</b><br><code>${c.name}</code></td>` : ''}
                <td><code>${d.dataset}</code></td>
                <td>${dot(d.colour)} <small>${d.reason}</small></td>
                <td>${time(d.lastSuccessAt)}</td>
                <td>${d.lagSeconds === null ? '—' : `${num(Math.round(d.lagSeconds / 3600))} h`}</td>
                <td>${d.errorRate === null ? '—' : `${Math.round(d.errorRate * 100)}% / ${d.recentPulls}`}</td>
                <td class="n" data-field="staged">${num(d.staged)}</td>
                <td class="n" data-field="rejected">${num(d.rejected)}</td>
                <td>${d.lastPullStatus ?? '—'}${d.lastPullError ? html`<br><small class="err">${d.lastPullError}</small>` : ''}</td>
              </tr>`,
            ),
          )}
        </tbody>
      </table>`;
  },
});

// ---------------------------------------------------------------- runs

export interface RunsData {
  inProgress: RunStatus[];
  recent: RunStatus[];
}

function maskRun(run: RunStatus): RunStatus {
  return { ...run, error: run.error === null ? null : { code: run.error.code, message: maskText(run.error.message) } };
}

function runBlock(run: RunStatus, detailed: boolean): Html {
  const steps = Object.entries(run.progress);
  return html`<div class="run" data-run="${run.runId}" data-state="${run.state}">
    <div class="run-head">${badge(run.state)} <code>${run.runId}</code> · 期间 period <b>${run.period}</b> · 截止 as of ${run.asOf} · 发起 by <code>${run.requestedBy}</code> · 创建 created ${time(run.createdAt)}${run.finishedAt ? html` · 完成 finished ${time(run.finishedAt)}` : ''}</div>
    ${run.error ? html`<div class="err">${run.error.code}: ${run.error.message}</div>` : ''}
    <table class="steps"><tbody>
      ${steps.map(([step, p]) => html`<tr data-step="${step}" data-done="${p.succeeded}" data-total="${p.total ?? ''}">
        <th>${STEP_LABELS[step] ?? step}</th><td>${badge(p.state)}</td><td>${bar(p.succeeded, p.total)}</td>
        <td class="n">${p.succeeded} / ${p.total ?? '?'}</td><td><small>运行 running ${p.running} · 排队 queued ${p.queued} · 失败 failed ${p.failed}</small></td></tr>`)}
    </tbody></table>
    ${detailed && run.datasets.length > 0
      ? html`<table class="datasets"><thead><tr><th>数据源/数据集 Channel/dataset</th><th>状态 State</th><th>拉取 Pulled</th><th>入库 Staged</th><th>拒收 Rejected</th><th>跳过 Skipped</th><th>页 Pages</th></tr></thead><tbody>
        ${run.datasets.map((d) => html`<tr data-dataset="${d.channel}/${d.dataset}"><td><code>${d.channel}/${d.dataset}</code></td><td>${badge(d.state)}</td><td class="n">${num(d.pulled)}</td><td class="n">${num(d.staged)}</td><td class="n">${num(d.rejected)}</td><td class="n">${num(d.skipped)}</td><td class="n">${num(d.pages)}</td></tr>`)}
      </tbody></table>`
      : ''}
  </div>`;
}

export const runsSection = section<RunsData>({
  id: 'runs',
  title: '运行中的任务 Runs in progress',
  roles: ['operator'],
  // a run covers the province (api.md: runs are for operators of region 44)
  provinceOnly: true,
  async load(ctx) {
    const inProgress = await listRuns(ctx.db, { states: ['QUEUED', 'RUNNING'], limit: 20 });
    const recent = await listRuns(ctx.db, { states: ['SUCCEEDED', 'FAILED'], limit: 5 });
    return { inProgress: inProgress.map(maskRun), recent: recent.map(maskRun) };
  },
  render(data) {
    return html`${data.inProgress.length === 0 ? empty('当前没有运行中的任务 No run in progress.') : data.inProgress.map((r) => runBlock(r, true))}
      <h3>最近完成 Recently finished</h3>
      ${data.recent.length === 0 ? empty('尚无完成的任务 No run has finished yet.') : data.recent.map((r) => runBlock(r, false))}`;
  },
});

// ---------------------------------------------------------------- decisions per county

export interface DecisionsData {
  run: { runId: string; period: string; finishedAt: string } | null;
  totals: Record<(typeof DECISIONS)[number], number> & { total: number };
  counties: (Record<(typeof DECISIONS)[number], number> & { areaCode: string; total: number })[];
}

export const decisionsSection = section<DecisionsData>({
  id: 'decisions',
  title: '上次运行各县(区)认证结果 Last run: decisions per county',
  roles: ['operator'],
  async load(ctx, viewer) {
    const zero = () => ({ eligible: 0, ineligible: 0, suspect: 0, excluded: 0, total: 0 });
    const run = await lastMatchedRun(ctx.db);
    if (run === null) return { run: null, totals: zero(), counties: [] };
    const { from, to } = areaRange(viewer.user.region);
    const rows = await runDecisionsPerCounty(ctx.db, { runId: run.runId, period: run.period, areaFrom: from, areaTo: to });
    const byCounty = new Map<string, DecisionsData['counties'][number]>();
    const totals = zero();
    for (const r of rows) {
      const c = byCounty.get(r.areaCode) ?? { areaCode: r.areaCode, ...zero() };
      byCounty.set(r.areaCode, c);
      if ((DECISIONS as readonly string[]).includes(r.decision)) {
        c[r.decision as (typeof DECISIONS)[number]] += r.count;
        totals[r.decision as (typeof DECISIONS)[number]] += r.count;
      }
      c.total += r.count;
      totals.total += r.count;
    }
    return { run, totals, counties: [...byCounty.values()] };
  },
  render(data) {
    if (data.run === null) return empty('尚无完成比对的运行 No run has matched yet.');
    return html`<p class="summary">运行 run <code data-run="${data.run.runId}">${data.run.runId}</code> · 期间 period <b data-period="${data.run.period}">${data.run.period}</b> · 完成 finished ${time(data.run.finishedAt)}</p>
      ${data.counties.length === 0
        ? empty('本区域没有结果 No results in your region.')
        : html`<table class="decisions"><thead><tr><th>县(区) County</th>${DECISIONS.map((d) => html`<th class="d-${d}">${DECISION_LABELS[d]}</th>`)}<th>合计 Total</th></tr></thead>
        <tbody>${data.counties.map((c) => html`<tr data-area="${c.areaCode}"><td><code>${c.areaCode}</code></td>${DECISIONS.map((d) => html`<td class="n" data-decision="${d}">${num(c[d])}</td>`)}<td class="n" data-decision="total">${num(c.total)}</td></tr>`)}</tbody>
        <tfoot><tr data-area="total"><th>合计 Total</th>${DECISIONS.map((d) => html`<td class="n" data-decision="${d}">${num(data.totals[d])}</td>`)}<td class="n" data-decision="total">${num(data.totals.total)}</td></tr></tfoot></table>`}`;
  },
});

// ---------------------------------------------------------------- rejections per department

export interface RejectionsData {
  total: number;
  channels: { channel: string; label: string; total: number; latestAt: string; datasets: { dataset: string; total: number; reasons: Record<string, number> }[] }[];
}

export const rejectionsSection = section<RejectionsData>({
  id: 'rejections',
  title: '各部门拒收数据 Rejections per department',
  roles: ['operator'],
  async load(ctx, viewer) {
    const rows = await rejectionsPerChannel(ctx.db, viewer.user.region);
    const channels = new Map<string, RejectionsData['channels'][number]>();
    let total = 0;
    for (const r of rows) {
      const c = channels.get(r.channel) ?? { channel: r.channel, label: channelLabel(r.channel), total: 0, latestAt: r.latestAt, datasets: [] };
      channels.set(r.channel, c);
      let d = c.datasets.find((x) => x.dataset === r.dataset);
      if (d === undefined) {
        d = { dataset: r.dataset, total: 0, reasons: {} };
        c.datasets.push(d);
      }
      d.reasons[r.reasonCode] = (d.reasons[r.reasonCode] ?? 0) + r.count;
      d.total += r.count;
      c.total += r.count;
      if (r.latestAt > c.latestAt) c.latestAt = r.latestAt;
      total += r.count;
    }
    return { total, channels: [...channels.values()] };
  },
  render(data) {
    if (data.channels.length === 0) return empty('本区域没有拒收数据 No quarantined record lies in your region.');
    return html`<p class="summary">合计 total <b data-count="rejections">${num(data.total)}</b> · 详情见 details at <code>GET /api/v1/rejections?source=…</code></p>
      <table class="rejections"><thead><tr><th>部门 Department</th><th>数据集 Dataset</th><th>拒收 Rejected</th><th>原因 Reasons</th><th>最近 Latest</th></tr></thead><tbody>
      ${data.channels.map((c) =>
        c.datasets.map(
          (d, i) => html`<tr data-channel="${c.channel}" data-dataset="${d.dataset}">
            ${i === 0 ? html`<td rowspan="${c.datasets.length}"><b>${c.label}</b><br><code>${c.channel}</code> · <b class="n" data-channel-total="${c.channel}">${num(c.total)}</b></td>` : ''}
            <td><code>${d.dataset}</code></td><td class="n" data-field="rejected">${num(d.total)}</td>
            <td><small>${Object.entries(d.reasons).map(([code, n]) => html`<code>${code}</code> ${n} `)}</small></td>
            ${i === 0 ? html`<td rowspan="${c.datasets.length}">${time(c.latestAt)}</td>` : ''}
          </tr>`,
        ),
      )}
      </tbody></table>`;
  },
});

// ---------------------------------------------------------------- queue state

export interface QueuesData {
  available: boolean;
  error: string | null;
  queues: { queue: string; waiting: number; active: number; delayed: number; failed: number; completed: number; paused: boolean }[];
}

export const queuesSection = section<QueuesData>({
  id: 'queues',
  title: '队列状态 Queue state',
  roles: ['operator', 'integrator', 'admin'],
  provinceOnly: true,
  async load(ctx) {
    if (ctx.jobs === null) return { available: false, error: '此服务未连接队列 this server runs without queues (REDIS_URL)', queues: [] };
    try {
      const states = await ctx.jobs.queueCounts();
      return {
        available: true,
        error: null,
        queues: states.map((q) => ({
          queue: q.queue,
          // BullMQ keeps prioritized jobs apart from waiting ones: both wait for a worker
          waiting: q.counts.waiting + q.counts.prioritized + q.counts['waiting-children'],
          active: q.counts.active,
          delayed: q.counts.delayed,
          failed: q.counts.failed,
          completed: q.counts.completed,
          paused: q.paused,
        })),
      };
    } catch (err) {
      return { available: false, error: maskText(err instanceof Error ? err.message : String(err)), queues: [] };
    }
  },
  render(data, viewer) {
    if (!data.available) return html`<p class="err">队列不可用 queues unavailable: ${data.error}</p>`;
    return html`<table class="queues"><thead><tr><th>队列 Queue</th><th>等待 Waiting</th><th>执行中 Active</th><th>延迟 Delayed</th><th>失败 Failed</th><th>已完成 Completed</th></tr></thead><tbody>
      ${data.queues.map((q) => html`<tr data-queue="${q.queue}"><td><code>${q.queue}</code>${q.paused ? html` <span class="badge s-failed">暂停 paused</span>` : ''}</td>
        <td class="n" data-state="waiting">${num(q.waiting)}</td><td class="n" data-state="active">${num(q.active)}</td><td class="n" data-state="delayed">${num(q.delayed)}</td>
        <td class="n ${q.failed > 0 ? 'bad' : ''}" data-state="failed">${num(q.failed)}</td><td class="n" data-state="completed">${num(q.completed)}</td></tr>`)}
    </tbody></table>
    ${viewer.user.roles.includes('operator') ? html`<p><a href="/queues">队列管理 Queue board →</a></p>` : ''}`;
  },
});

/** The service's sections, in page order (DEFAULT_SECTIONS, default-sections.ts, adds the feedback loop's). */
export const SERVICE_SECTIONS: readonly DashboardSection[] = [connectorsSection, runsSection, decisionsSection, rejectionsSection, queuesSection];
