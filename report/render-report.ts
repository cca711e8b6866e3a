// report.html of `lifecert demo`: what a department head reads after the monthly run.
// A pure function of its input: the same input gives the same bytes.
import type { Decision, PullCounts, ReasonCode } from '../schemas/types.ts';
import {
  CASES_LISTED_PER_COUNTY,
  REJECTION_EXAMPLES,
  type CountyCases,
  type CountyTally,
  type RejectionGroup,
  type ResultSummary,
  openedMonth,
  summarizeCases,
  summarizeRejections,
  summarizeResults,
} from './aggregate.ts';
import { countyDecisionChart, decisionDonut, reasonChart } from './charts.ts';
import { cityName, countyName } from './counties.ts';
import { formatCount, formatPercent, formatRate, formatSeconds, formatYuan } from './format.ts';
import { type HtmlValue, type SafeHtml, html } from './html.ts';
import {
  ACTION_LABEL,
  DECISIONS,
  DECISION_LABEL,
  FEEDBACK_STATES,
  FEEDBACK_STATE_LABEL,
  REASONS,
  WORKLIST_ACTIONS,
  type ChannelNaming,
  channelNaming,
  compareBytes,
  reasonLabel,
  rejectionLabel,
} from './labels.ts';
import { maskIdentityNumbersIn, maskName, maskPersonId } from '../lib/mask.ts';
import type { ConnectorTiming, FeedbackSummary, ReportInput, ReportPerson, RosterLookup, WorldDescription } from './report-input.ts';
import { REPORT_CSS } from './styles.ts';

/** An import batch holds at most this many results (workflow.md "Import batches"). */
const BATCH_SIZE = 2000;

function lookupPerson(roster: RosterLookup, personId: string): ReportPerson | undefined {
  return typeof roster === 'function' ? roster(personId) : roster.get(personId);
}

/** A bilingual heading cell: Chinese with the English below it. */
function th(zh: string, en: string, numeric = false): SafeHtml {
  return html`<th${numeric ? html` class="n"` : ''}>${zh}<span class="en">${en}</span></th>`;
}

function num(n: number): SafeHtml {
  return html`<td class="n">${formatCount(n)}</td>`;
}

function countyCell(areaCode: string, names: ReportInput['countyNames']): SafeHtml {
  const name = countyName(areaCode, names);
  return name === areaCode ? html`<td><span class="code">${areaCode}</span></td>` : html`<td>${name} <span class="code">${areaCode}</span></td>`;
}

function section(id: string, zh: string, en: string, body: HtmlValue): SafeHtml {
  return html`<section id="${id}"><h2>${zh}<span class="en">${en}</span></h2>${body}</section>`;
}

function worldText(world: WorldDescription): string {
  return world.kind === 'generated'
    ? `生成的模拟数据 generated · ${formatCount(world.persons)} 人 persons · 种子 seed ${world.seed}`
    : `数据文件 world file ${world.file} · ${formatCount(world.persons)} 人 persons`;
}

function card(cls: string, zh: string, en: string, figure: string, note?: string): SafeHtml {
  return html`<div class="card ${cls}"><div class="label">${zh}<span class="en">${en}</span></div><div class="figure">${figure}</div>${note ? html`<div class="note">${note}</div>` : ''}</div>`;
}

function sumCounts(counts: Readonly<Record<string, PullCounts>>): PullCounts {
  const sum: PullCounts = { pulled: 0, staged: 0, rejected: 0, skipped: 0 };
  for (const c of Object.values(counts)) {
    sum.pulled += c.pulled;
    sum.staged += c.staged;
    sum.rejected += c.rejected;
    sum.skipped += c.skipped;
  }
  return sum;
}

function headline(s: ResultSummary, casesOpened: number, pulls: PullCounts): SafeHtml {
  const t = s.total;
  const share = (d: Decision) => formatPercent(t.decisions[d], t.persons);
  return html`<div class="cards">
${card('', '认证人数', 'persons certified', formatCount(t.persons))}
${card('eligible', '具备资格', 'eligible', formatCount(t.decisions.eligible), share('eligible'))}
${card('ineligible', '丧失资格', 'ineligible', formatCount(t.decisions.ineligible), share('ineligible'))}
${card('suspect', '疑点待核查', 'suspect', formatCount(t.decisions.suspect), share('suspect'))}
${card('excluded', '不予认证', 'excluded', formatCount(t.decisions.excluded), share('excluded'))}
${card('money', '多发待遇（元）', 'overpayment, yuan', `¥${formatYuan(t.overpaidFen)}`, `${formatCount(t.overpaidPersons)} 人 · ${formatCount(t.overpaidMonths)} 人月`)}
${card('', '新开疑点案件', 'cases opened', formatCount(casesOpened))}
${card('', '拒收记录', 'rejected records', formatCount(pulls.rejected), `拉取 ${formatCount(pulls.pulled)} 条，拒收率 ${formatPercent(pulls.rejected, pulls.pulled)}`)}
${card('', '到期提醒', 'reminders (≤ 3 months)', formatCount(t.reminders))}
</div>`;
}

function countyTable(s: ResultSummary, names: ReportInput['countyNames']): SafeHtml {
  if (s.counties.length === 0) return html`<p class="empty">本期没有认证结果。No results this period.</p>`;
  const row = (cells: SafeHtml, t: CountyTally | ResultSummary['total']) =>
    html`${cells}${num(t.persons)}${DECISIONS.map((d) => num(t.decisions[d]))}<td class="n">${formatPercent(t.decisions.ineligible + t.decisions.suspect, t.persons)}</td>${num(t.overpaidMonths)}<td class="n">${formatYuan(t.overpaidFen)}</td>`;
  return html`<table class="counties"><thead><tr>${th('县（区）', 'county')}${th('人数', 'persons', true)}${DECISIONS.map((d) => th(DECISION_LABEL[d], d, true))}${th('异常率', 'ineligible + suspect', true)}${th('多发月数', 'overpaid months', true)}${th('多发金额（元）', 'overpaid, yuan', true)}</tr></thead><tbody>
${s.counties.map((c) => html`<tr>${row(countyCell(c.areaCode, names), c)}</tr>\n`)}<tr class="total">${row(html`<td>合计 Total</td>`, s.total)}</tr></tbody></table>`;
}

function reasonTable(s: ResultSummary): SafeHtml {
  if (s.reasons.length === 0) return html`<p class="empty">无 None.</p>`;
  return html`<table class="reasons"><thead><tr>${th('原因', 'reason')}${th('代码', 'code')}${th('人数', 'persons', true)}${th('占认证人数', 'share', true)}</tr></thead><tbody>
${s.reasons.map((r) => html`<tr><td>${reasonLabel(r.code)}</td><td><span class="code">${r.code}</span></td>${num(r.count)}<td class="n">${formatPercent(r.count, s.total.persons)}</td></tr>\n`)}</tbody></table>
<p class="note-text">一人可有多个原因，故合计可大于认证人数。A person may have several reasons.</p>`;
}

function worklistTable(s: ResultSummary, names: ReportInput['countyNames']): SafeHtml {
  if (s.counties.length === 0) return html`<p class="empty">无 None.</p>`;
  const batches = (t: CountyTally) => Math.ceil((t.actions.RECORD + t.actions.RESTORE) / BATCH_SIZE);
  const totalBatches = s.counties.reduce((n, c) => n + batches(c), 0);
  const row = (cells: SafeHtml, t: CountyTally | ResultSummary['total'], batchCount: number) =>
    html`${cells}${WORKLIST_ACTIONS.map((a) => num(t.actions[a]))}${num(batchCount)}${num(t.reminders)}`;
  return html`<table class="worklists"><thead><tr>${th('县（区）', 'county')}${WORKLIST_ACTIONS.map((a) => th(ACTION_LABEL[a], a, true))}${th('导入批次', 'import batches', true)}${th('到期提醒', 'reminders', true)}</tr></thead><tbody>
${s.counties.map((c) => html`<tr>${row(countyCell(c.areaCode, names), c, batches(c))}</tr>\n`)}<tr class="total">${row(html`<td>合计 Total</td>`, s.total, totalBatches)}</tr></tbody></table>
<p class="note-text">停发、封存、核查为县级工作清单；补记认证与恢复发放须经两级审批的导入批次（每批不超过 ${formatCount(BATCH_SIZE)} 人）报送省级系统。到期提醒：具备资格且认证有效期在本期起 3 个月内到期的人员（提前 3 个月提醒）。
STOP, SEAL and VERIFY are county worklists; RECORD and RESTORE reach the provincial system in approved import batches of at most ${formatCount(BATCH_SIZE)}.</p>`;
}

function reasonTags(reasons: readonly string[]): SafeHtml[] {
  return reasons.map((r) => html`<span class="tag">${reasonLabel(r)} <span class="code">${r}</span></span>`);
}

function casesSection(cases: CountyCases[], input: ReportInput): SafeHtml {
  if (cases.length === 0) return html`<p class="empty">本期没有新开疑点案件。No suspect cases.</p>`;
  const total = cases.reduce((n, c) => n + c.count, 0);
  const overdue = cases.reduce((n, c) => n + c.overdue, 0);
  const summary = html`<table class="case-counties"><thead><tr>${th('县（区）', 'county')}${th('案件数', 'cases', true)}${th('逾期', 'overdue', true)}${th('主要原因', 'main reasons')}</tr></thead><tbody>
${cases.map((c) => html`<tr>${countyCell(c.areaCode, input.countyNames)}${num(c.count)}${num(c.overdue)}<td>${c.reasons.slice(0, 4).map((r) => html`<span class="tag">${reasonLabel(r.code)} ${formatCount(r.count)}</span>`)}</td></tr>\n`)}<tr class="total"><td>合计 Total</td>${num(total)}${num(overdue)}<td></td></tr></tbody></table>
<p class="note-text">案件须在开立当月内核查办结（当月清零），逾期以数据截止日 ${input.asOf} 计。Cases are overdue once the month they were opened in has ended (as of ${input.asOf}).</p>`;
  const lists = cases.map((c) => {
    const rows = c.listed.map((k) => {
      const person = lookupPerson(input.roster, k.personId);
      const opened = openedMonth(k.openedAt) === null ? k.openedAt : k.openedAt.slice(0, 10);
      return html`<tr class="case-row"><td class="masked">${maskIdentityNumbersIn(k.caseId, [k.personId])}</td><td class="masked">${maskPersonId(k.personId)}</td><td>${person ? maskName(person.name) : '—'}</td><td>${reasonTags(k.reasons)}</td><td class="n">${opened}</td></tr>\n`;
    });
    const more = c.count - c.listed.length;
    return html`<h3>${countyName(c.areaCode, input.countyNames)} <span class="code">${c.areaCode}</span> · ${formatCount(c.count)} 件</h3>
<table class="cases"><thead><tr>${th('案件编号', 'case')}${th('身份证号', 'identity no.')}${th('姓名', 'name')}${th('原因', 'reasons')}${th('开立日期', 'opened', true)}</tr></thead><tbody>
${rows}</tbody></table>${more > 0 ? html`<p class="note-text">另有 ${formatCount(more)} 件未列出（每县列出最早开立的 ${CASES_LISTED_PER_COUNTY} 件）。${formatCount(more)} more not listed.</p>` : ''}`;
  });
  return html`${summary}<p class="note-text">身份证号与姓名已脱敏；完整信息请在县级核查工作台查看。Identity numbers and names are masked.</p>${lists}`;
}

interface PullRow {
  channel: string;
  dataset: string;
  counts: PullCounts | undefined;
  timing: ConnectorTiming | undefined;
}

/** A channel's Chinese name (the English one as its tooltip) and, in code type, `code`. */
function channelCell(naming: ChannelNaming, channel: string, code: string): SafeHtml {
  const { zh, en } = naming.name(channel);
  return html`<span${en ? html` title="${en}"` : ''}>${zh}</span> <span class="code">${code}</span>`;
}

function pullsTable(input: ReportInput, naming: ChannelNaming): SafeHtml {
  const rows = new Map<string, PullRow>();
  const rowOf = (channel: string, dataset: string) => {
    const key = `${channel}/${dataset}`;
    let row = rows.get(key);
    if (!row) {
      row = { channel, dataset, counts: undefined, timing: undefined };
      rows.set(key, row);
    }
    return row;
  };
  for (const [key, counts] of Object.entries(input.counts)) {
    const slash = key.indexOf('/');
    const row = slash < 0 ? rowOf(key, '') : rowOf(key.slice(0, slash), key.slice(slash + 1));
    row.counts = counts;
  }
  for (const t of input.timings) rowOf(t.channel, t.dataset).timing = t;
  if (rows.size === 0) return html`<p class="empty">本次未拉取任何数据源。No source was pulled.</p>`;
  const sorted = [...rows.values()].sort((a, b) => naming.compare(a.channel, b.channel) || compareBytes(a.dataset, b.dataset));
  const total = sumCounts(input.counts);
  const seconds = input.timings.reduce((s, t) => s + (Number.isFinite(t.seconds) && t.seconds > 0 ? t.seconds : 0), 0);
  const timedPulled = input.timings.reduce((s, t) => s + t.pulled, 0);
  const countCells = (c: PullCounts | undefined) =>
    c ? html`${num(c.pulled)}${num(c.staged)}${num(c.rejected)}${num(c.skipped)}<td class="n">${formatPercent(c.rejected, c.pulled)}</td>` : html`<td class="n">—</td><td class="n">—</td><td class="n">—</td><td class="n">—</td><td class="n">—</td>`;
  const body = sorted.map((r) => html`<tr><td>${channelCell(naming, r.channel, r.channel)}</td><td><span class="code">${r.dataset}</span></td>${countCells(r.counts)}<td class="n">${r.timing ? formatSeconds(r.timing.seconds) : '—'}</td><td class="n">${r.timing ? formatRate(r.timing.pulled, r.timing.seconds) : '—'}</td></tr>\n`);
  return html`<table class="pulls"><thead><tr>${th('来源', 'source')}${th('数据集', 'dataset')}${th('拉取', 'pulled', true)}${th('入库', 'staged', true)}${th('拒收', 'rejected', true)}${th('跳过', 'skipped', true)}${th('拒收率', 'rejection rate', true)}${th('耗时（秒）', 'seconds', true)}${th('条/秒', 'records/s', true)}</tr></thead><tbody>
${body}<tr class="total"><td>合计 Total</td><td></td>${countCells(total)}<td class="n">${formatSeconds(seconds)}</td><td class="n">${formatRate(timedPulled, seconds)}</td></tr></tbody></table>
<p class="note-text">拉取 = 入库 + 拒收 + 跳过。跳过指非居民身份证、本人领取或认证失败等不参与认证的记录。pulled = staged + rejected + skipped. Connectors of different sources run side by side, so their seconds add up to more than the run took.</p>`;
}

function rejectionsSection(groups: RejectionGroup[], input: ReportInput, naming: ChannelNaming): SafeHtml {
  if (groups.length === 0) return html`<p class="empty">本期没有拒收记录。No records were rejected.</p>`;
  const quarantined = groups.reduce((n, g) => n + g.count, 0);
  const rows: SafeHtml[] = [];
  // groups come sorted by source and dataset: a heading row opens each source/dataset
  groups.forEach((g, i) => {
    const prev = groups[i - 1];
    if (!prev || prev.channel !== g.channel || prev.dataset !== g.dataset) {
      const datasetTotal = groups.filter((o) => o.channel === g.channel && o.dataset === g.dataset).reduce((n, o) => n + o.count, 0);
      rows.push(html`<tr class="rejection-source"><td colspan="5">${channelCell(naming, g.channel, `${g.channel}/${g.dataset}`)}</td><td class="n">${formatCount(datasetTotal)}</td></tr>\n`);
    }
    rows.push(html`<tr class="rejection-group"><td colspan="5">${rejectionLabel(g.reasonCode)} <span class="code">${g.reasonCode}</span></td><td class="n">${formatCount(g.count)}</td></tr>\n`);
    for (const e of g.examples) {
      const person = e.personId === null ? undefined : lookupPerson(input.roster, e.personId);
      const raw = [e.rawPersonId, ...(e.personId === null ? [] : [e.personId])];
      rows.push(html`<tr class="rejection-example"><td class="masked">${maskIdentityNumbersIn(e.recordId, raw)}</td><td><span class="code">${e.field}</span></td><td class="masked">${e.rawPersonId.trim() === '' ? '（空）' : maskPersonId(e.rawPersonId)}</td><td>${person ? maskName(person.name) : '—'}</td><td>${maskIdentityNumbersIn(e.message, raw)}</td><td></td></tr>\n`);
    }
  });
  return html`<p class="note-text">共隔离 ${formatCount(quarantined)} 条记录，已向来源部门反馈（不属实数据反馈）。每类最多列出 ${REJECTION_EXAMPLES} 例（按记录号排序），身份证号按来源原值脱敏。${formatCount(quarantined)} quarantined records; up to ${REJECTION_EXAMPLES} examples per code, identity numbers masked as sent.</p>
<table class="rejections"><thead><tr>${th('原因 / 记录号', 'reason / record')}${th('字段', 'field')}${th('身份证号（原值）', 'identity no. as sent')}${th('姓名', 'name')}${th('说明', 'message')}${th('条数', 'records', true)}</tr></thead><tbody>
${rows}</tbody></table>`;
}

function feedbackTable(feedback: FeedbackSummary, naming: ChannelNaming): SafeHtml {
  const channels = Object.keys(feedback.byChannel).sort(naming.compare);
  if (channels.length === 0) return html`<p class="empty">本期没有反馈事项。No feedback items.</p>`;
  const extra = new Set<string>();
  for (const c of channels) for (const s of Object.keys(feedback.byChannel[c].states)) if (!FEEDBACK_STATES.includes(s)) extra.add(s);
  const states = [...FEEDBACK_STATES, ...[...extra].sort(compareBytes)];
  const total = { REJECTED: 0, CORRECTED: 0, states: {} as Record<string, number> };
  for (const c of channels) {
    const f = feedback.byChannel[c];
    total.REJECTED += f.REJECTED;
    total.CORRECTED += f.CORRECTED;
    for (const s of states) total.states[s] = (total.states[s] ?? 0) + (f.states[s] ?? 0);
  }
  const cells = (f: FeedbackSummary['byChannel'][string]) => html`${num(f.REJECTED)}${num(f.CORRECTED)}${states.map((s) => num(f.states[s] ?? 0))}`;
  return html`<table class="feedback"><thead><tr>${th('来源', 'channel')}${th('拒收反馈', 'REJECTED', true)}${th('核查更正', 'CORRECTED', true)}${states.map((s) => th(FEEDBACK_STATE_LABEL[s] ?? s, s, true))}</tr></thead><tbody>
${channels.map((c) => html`<tr><td>${channelCell(naming, c, c)}</td>${cells(feedback.byChannel[c])}</tr>\n`)}<tr class="total"><td>合计 Total</td>${cells(total)}</tr></tbody></table>
<p class="note-text">状态为本次运行结束时的投递状态；发送失败的事项可由经办人员重新发送。States at the end of the run; FAILED items can be resent by an operator.</p>`;
}

function isSummary(results: ReportInput['results']): results is ResultSummary {
  return !(Symbol.iterator in results);
}

/** Render the whole report page. */
export function renderReport(input: ReportInput): string {
  const results = isSummary(input.results) ? input.results : summarizeResults(input.results, input.period);
  const caseList = [...input.cases];
  const cases = summarizeCases(caseList, input.asOf);
  const naming = channelNaming(input.sources, cityName);
  const rejections = summarizeRejections(input.rejections, naming.compare);
  const pulls = sumCounts(input.counts);
  const names = input.countyNames;
  const reasonBars = results.reasons.map((r) => ({
    code: r.code,
    label: reasonLabel(r.code),
    count: r.count,
    group: Object.hasOwn(REASONS, r.code) ? REASONS[r.code as ReasonCode].group : ('other' as const),
  }));
  const countyBars = results.counties.map((c) => ({ label: countyName(c.areaCode, names), decisions: c.decisions }));
  const title = `城乡居民养老保险待遇领取资格认证报告 ${input.period}`;
  const page = html`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lifecert demo">
<title>${title}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="report">
<h1>城乡居民养老保险待遇领取资格认证报告<span class="en">Eligibility certification report · ${input.period}</span></h1>
<dl class="meta">
<div><dt>认证期 Period</dt><dd>${input.period}</dd></div>
<div><dt>数据截止 As of</dt><dd>${input.asOf}</dd></div>
<div><dt>生成时间 Generated</dt><dd>${input.generatedAt}</dd></div>
<div><dt>数据 World</dt><dd>${worldText(input.world)}</dd></div>
<div><dt>数据库 Database</dt><dd>${input.database}</dd></div>
</dl>
</header>
${section('overview', '总览', 'Overview', html`${headline(results, caseList.length, pulls)}${decisionDonut('chart-decisions', results.total.decisions)}`)}
${section('counties', '各县（区）认证结果', 'Decisions per county', html`${countyDecisionChart('chart-counties', countyBars)}${countyTable(results, names)}<p class="note-text">多发金额为丧失资格人员在丧失资格后仍已发放的待遇（死亡、丧失国籍、失踪、服刑自次月起，重复领取自起始月起），单位元。Overpayment: benefits already paid for months after the loss, in yuan.</p>`)}
${section('reasons', '认证原因', 'Reasons', html`${reasonChart('chart-reasons', reasonBars, results.total.persons)}${reasonTable(results)}`)}
${section('worklists', '县级工作清单', 'Worklists', worklistTable(results, names))}
${section('cases', '疑点核查案件', 'Suspect cases', casesSection(cases, input))}
${section('pulls', '数据源拉取', 'Source pulls and connector timings', pullsTable(input, naming))}
${section('rejections', '拒收记录', 'Rejected records', rejectionsSection(rejections, input, naming))}
${section('feedback', '数据反馈', 'Feedback to source departments', feedbackTable(input.feedback, naming))}
<footer>本报告由 lifecert demo 生成，按《个人信息保护法》要求对身份证号和姓名脱敏。Generated by lifecert demo; personal information is masked. ${input.generatedAt}</footer>
</main>
</body>
</html>
`;
  return page.html;
}
