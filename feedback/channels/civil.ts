// Civil affairs: a GBK CSV in the outbox plus its `.ok` (sources.md §4), one file per area code
// and day; a written file is never changed, so a resend is a new file (the office keys rows by 反馈编号).
import type { CivilConnector } from '../../connectors/civil/connector.ts';
import { compactDate } from './wire.ts';
import type { FeedbackChannel } from './wire.ts';

/** `HH_440106_20261103.csv:7` → the file and the line. */
function fileAndLine(recordId: string): { file: string; line: number } {
  const at = recordId.lastIndexOf(':');
  return { file: recordId.slice(0, at), line: Number(recordId.slice(at + 1)) };
}

export function civilChannel(connector: CivilConnector, today: () => string): FeedbackChannel {
  return {
    channel: connector.channel,
    async send(items) {
      const rows = items.map((i) => {
        const { file, line } = fileAndLine(i.recordId);
        const row = (i.raw as { row?: Record<string, string> } | undefined)?.row;
        return {
          feedbackId: i.feedbackId, idNumber: i.personId, name: row?.['逝者姓名'] ?? '', file, line, field: i.field, reportedValue: i.reportedValue,
          correctedValue: i.correctedValue ?? '', reasonCode: i.reasonCode, verifiedDate: compactDate(i.verifiedDate),
        };
      });
      const written = await connector.writeFeedback(rows, today());
      return written.reduce((n, f) => n + f.rows, 0);
    },
  };
}
