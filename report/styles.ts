// The page's only stylesheet, inline. Fonts are the reader's own (no web fonts): a CJK stack
// that covers Windows, macOS and Linux desktops of an agency.
export const REPORT_CSS = `
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dde2; --band: #f4f6f8; --accent: #1d4e89;
  --eligible: #2e7d32; --ineligible: #c62828; --suspect: #e08a00; --excluded: #7b8794; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5; font-size: 14px;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
header.report { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 24px; margin: 0; color: var(--accent); }
h1 .en, h2 .en, th .en, .card .en { font-weight: 400; color: var(--muted); font-size: 0.8em; margin-left: 0.4em; }
th .en, .card .en { display: block; margin-left: 0; font-size: 11px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 4px 20px; margin: 10px 0 0; }
.meta div { display: flex; flex-direction: column; }
.meta dt { color: var(--muted); font-size: 12px; }
.meta dd { margin: 0; font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 4px; padding: 8px 12px; background: var(--band); }
.card .label { font-size: 13px; color: var(--muted); }
.card .figure { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .note { font-size: 12px; color: var(--muted); }
.card.eligible { border-left-color: var(--eligible); } .card.ineligible { border-left-color: var(--ineligible); }
.card.suspect { border-left-color: var(--suspect); } .card.excluded { border-left-color: var(--excluded); }
.card.money { border-left-color: #8e24aa; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--band); border-bottom: 2px solid var(--line); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
td .code, .code { font-family: ui-monospace, "SFMono-Regular", Consolas, "Liberation Mono", monospace; font-size: 12px; color: var(--muted); }
td.masked { font-family: ui-monospace, "SFMono-Regular", Consolas, "Liberation Mono", monospace; white-space: nowrap; }
.note-text { color: var(--muted); font-size: 12px; margin: 4px 0; }
.empty { color: var(--muted); font-style: italic; }
.chart { display: block; margin: 8px 0 12px; max-width: 960px; }
.chart.donut { max-width: 620px; }
.chart text { fill: var(--ink); }
.chart text.tick { fill: var(--muted); font-size: 10px; }
.chart text.value { fill: var(--muted); }
.chart line.grid { stroke: #e6e9ed; stroke-width: 1; }
.overview { display: grid; grid-template-columns: minmax(0, 1fr); }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; margin: 1px 2px 1px 0; font-size: 12px; white-space: nowrap; }
tr.rejection-source td { background: var(--band); font-weight: 600; border-top: 2px solid var(--line); }
tr.rejection-group td:first-child { padding-left: 16px; }
tr.rejection-example td:first-child { padding-left: 32px; }
tr.rejection-example td { color: #3e4a59; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, .card, .chart { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section { break-inside: auto; }
}
`;
