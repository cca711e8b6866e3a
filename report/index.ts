// The report module's public surface.
export { renderReport } from './render-report.ts';
export type {
  ConnectorTiming,
  FeedbackSummary,
  ReportCase,
  ReportInput,
  ReportPerson,
  ReportRejection,
  RosterLookup,
  WorldDescription,
} from './report-input.ts';
export { maskPersonId, maskName, maskIdentityNumbersIn } from '../lib/mask.ts';
export { escapeHtml } from './html.ts';
export { formatYuan, formatCount, formatPercent } from './format.ts';
export { countyName, cityName } from './counties.ts';
export { summarizeResults, summarizeRejections, summarizeCases, ResultTally } from './aggregate.ts';
export type { ResultSummary } from './aggregate.ts';
