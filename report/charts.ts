// Inline SVG charts. No script, no external font: shapes and text only, each chart with a
// <title> and <desc> for screen readers and a <title> on every bar for the exact figure.
import type { Decision } from '../schemas/types.ts';
import { formatCount, formatPercent } from './format.ts';
import { type SafeHtml, html } from './html.ts';
import { DECISIONS, DECISION_LABEL, type ReasonGroup } from './labels.ts';

export const DECISION_COLOR: Readonly<Record<Decision, string>> = {
  eligible: '#2e7d32',
  ineligible: '#c62828',
  suspect: '#e08a00',
  excluded: '#7b8794',
};

export const REASON_GROUP_COLOR: Readonly<Record<ReasonGroup | 'other', string>> = {
  eligible: '#2e7d32',
  loss: '#c62828',
  conflict: '#e08a00',
  excluded: '#7b8794',
  other: '#4a6fa5',
};

const WIDTH = 960;
const FONT = 12;

/** Fixed-precision coordinate, so that the same figures give the same bytes. */
function px(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

/** A 1-2-5 step giving about five ticks up to max (max ≥ 1), and the axis end it implies. */
export function niceAxis(max: number): { step: number; end: number } {
  const raw = Math.max(max, 1) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = Math.max(1, (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag);
  return { step, end: Math.max(step, Math.ceil(Math.max(max, 1) / step) * step) };
}

function frame(id: string, title: string, desc: string, height: number, body: SafeHtml | SafeHtml[]): SafeHtml {
  return html`<svg class="chart" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${px(height)}" width="100%" preserveAspectRatio="xMinYMin meet" font-size="${FONT}"><title id="${id}-title">${title}</title><desc id="${id}-desc">${desc}</desc>${body}</svg>`;
}

function noData(id: string, title: string): SafeHtml {
  return frame(id, title, '本期没有数据 (no data this period)', 60, html`<text x="${WIDTH / 2}" y="34" text-anchor="middle" fill="#666">无数据 · no data</text>`);
}

function axis(x0: number, width: number, top: number, bottom: number, end: number, step: number): SafeHtml[] {
  const out: SafeHtml[] = [];
  for (let v = 0; v <= end; v += step) {
    const x = x0 + (v / end) * width;
    out.push(html`<line class="grid" x1="${px(x)}" x2="${px(x)}" y1="${px(top)}" y2="${px(bottom)}"/><text class="tick" x="${px(x)}" y="${px(top - 4)}" text-anchor="middle">${formatCount(v)}</text>`);
  }
  return out;
}

function legend(y: number, entries: { label: string; color: string }[]): SafeHtml[] {
  let x = 0;
  return entries.map((e) => {
    const item = html`<rect x="${px(x)}" y="${px(y - 10)}" width="12" height="12" fill="${e.color}"/><text x="${px(x + 17)}" y="${px(y)}">${e.label}</text>`;
    // CJK glyphs are about one em wide, Latin about half
    x += 17 + [...e.label].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? FONT : FONT * 0.6), 0) + 22;
    return item;
  });
}

export interface CountyBar {
  label: string;
  decisions: Record<Decision, number>;
}

/** Horizontal stacked bars: the four decisions per county. */
export function countyDecisionChart(id: string, rows: readonly CountyBar[]): SafeHtml {
  const title = '各县（区）认证结果 Decisions per county';
  if (rows.length === 0) return noData(id, title);
  const labelW = 150;
  const valueW = 70;
  const barW = WIDTH - labelW - valueW;
  const rowH = 22;
  const top = 48;
  const totals = rows.map((r) => DECISIONS.reduce((s, d) => s + r.decisions[d], 0));
  const { step, end } = niceAxis(Math.max(...totals));
  const height = top + rows.length * rowH + 8;
  const bars = rows.map((r, i) => {
    const y = top + i * rowH + 4;
    let x = labelW;
    const segments = DECISIONS.map((d) => {
      const w = (r.decisions[d] / end) * barW;
      const seg = r.decisions[d] === 0
        ? html``
        : html`<rect x="${px(x)}" y="${px(y)}" width="${px(Math.max(w, 0.5))}" height="14" fill="${DECISION_COLOR[d]}"><title>${r.label} ${DECISION_LABEL[d]} ${d}: ${formatCount(r.decisions[d])} (${formatPercent(r.decisions[d], totals[i])})</title></rect>`;
      x += w;
      return seg;
    });
    return html`<text x="${px(labelW - 6)}" y="${px(y + 11)}" text-anchor="end">${r.label}</text>${segments}<text class="value" x="${px(x + 5)}" y="${px(y + 11)}">${formatCount(totals[i])}</text>`;
  });
  const desc = `${rows.length} 个县（区）的具备资格、丧失资格、疑点、不予认证人数（堆叠横条）。`;
  return frame(id, title, desc, height, [
    html`<g>${legend(14, DECISIONS.map((d) => ({ label: `${DECISION_LABEL[d]} ${d}`, color: DECISION_COLOR[d] })))}</g>`,
    html`<g>${axis(labelW, barW, top, height - 6, end, step)}</g>`,
    html`<g>${bars}</g>`,
  ]);
}

export interface ReasonBar {
  code: string;
  label: string;
  count: number;
  group: ReasonGroup | 'other';
}

/** Horizontal bars: persons per reason code, coloured by the decision the reason leads to. */
export function reasonChart(id: string, items: readonly ReasonBar[], persons: number): SafeHtml {
  const title = '认证原因分布 Reasons';
  if (items.length === 0) return noData(id, title);
  const labelW = 260;
  const valueW = 110;
  const barW = WIDTH - labelW - valueW;
  const rowH = 22;
  const top = 48;
  const { step, end } = niceAxis(Math.max(...items.map((i) => i.count)));
  const height = top + items.length * rowH + 8;
  const groups: { label: string; color: string }[] = [
    { label: '具备资格 eligible', color: REASON_GROUP_COLOR.eligible },
    { label: '丧失资格 loss', color: REASON_GROUP_COLOR.loss },
    { label: '疑点 conflict', color: REASON_GROUP_COLOR.conflict },
    { label: '不予认证 excluded', color: REASON_GROUP_COLOR.excluded },
  ];
  const bars = items.map((item, i) => {
    const y = top + i * rowH + 4;
    const w = Math.max((item.count / end) * barW, 0.5);
    return html`<text x="${px(labelW - 6)}" y="${px(y + 11)}" text-anchor="end">${item.label} ${item.code}</text><rect x="${labelW}" y="${px(y)}" width="${px(w)}" height="14" fill="${REASON_GROUP_COLOR[item.group]}"><title>${item.label} ${item.code}: ${formatCount(item.count)} (${formatPercent(item.count, persons)})</title></rect><text class="value" x="${px(labelW + w + 5)}" y="${px(y + 11)}">${formatCount(item.count)} · ${formatPercent(item.count, persons)}</text>`;
  });
  const desc = `${items.length} 个原因代码，每个代码涉及的人数（一人可有多个原因）。`;
  return frame(id, title, desc, height, [
    html`<g>${legend(14, groups)}</g>`,
    html`<g>${axis(labelW, barW, top, height - 6, end, step)}</g>`,
    html`<g>${bars}</g>`,
  ]);
}

/** A donut of the four decisions, the total in the middle. */
export function decisionDonut(id: string, decisions: Record<Decision, number>): SafeHtml {
  const title = '认证结果构成 Decisions';
  const total = DECISIONS.reduce((s, d) => s + decisions[d], 0);
  const r = 70;
  const cx = 110;
  const cy = 105;
  const circumference = 2 * Math.PI * r;
  let offset = 0;
  const arcs = total === 0
    ? [html`<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#d9dde2" stroke-width="30"><title>无数据 no data</title></circle>`]
    : DECISIONS.filter((d) => decisions[d] > 0).map((d) => {
        const len = (decisions[d] / total) * circumference;
        // a circle's stroke starts at 3 o'clock: rotate so that the first slice starts at 12
        const arc = html`<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="${DECISION_COLOR[d]}" stroke-width="30" stroke-dasharray="${px(len)} ${px(circumference - len)}" stroke-dashoffset="${px(-offset)}" transform="rotate(-90 ${cx} ${cy})"><title>${DECISION_LABEL[d]} ${d}: ${formatCount(decisions[d])} (${formatPercent(decisions[d], total)})</title></circle>`;
        offset += len;
        return arc;
      });
  const rows = DECISIONS.map((d, i) => {
    const y = 50 + i * 30;
    return html`<rect x="250" y="${y - 11}" width="14" height="14" fill="${DECISION_COLOR[d]}"/><text x="272" y="${y}">${DECISION_LABEL[d]} ${d}</text><text class="value" x="520" y="${y}" text-anchor="end">${formatCount(decisions[d])}</text><text class="value" x="590" y="${y}" text-anchor="end">${formatPercent(decisions[d], total)}</text>`;
  });
  const desc = DECISIONS.map((d) => `${DECISION_LABEL[d]} ${formatCount(decisions[d])}`).join('，');
  return html`<svg class="chart donut" id="${id}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 620 210" width="100%" preserveAspectRatio="xMinYMin meet" font-size="${FONT}"><title id="${id}-title">${title}</title><desc id="${id}-desc">${desc}</desc>${arcs}<text x="${cx}" y="${cy - 2}" text-anchor="middle" font-size="20" font-weight="600">${formatCount(total)}</text><text x="${cx}" y="${cy + 16}" text-anchor="middle" fill="#555">认证人数 persons</text>${rows}</svg>`;
}
