// Ministry: SOAP SubmitCorrection with WS-Security (sources.md §1), idempotent on feedbackId.
import { createHash } from 'node:crypto';
import type { MinistryConnector } from '../../connectors/ministry/connector.ts';
import { compactDate } from './wire.ts';
import type { FeedbackChannel } from './wire.ts';

export function ministryChannel(connector: MinistryConnector): FeedbackChannel {
  return {
    channel: connector.channel,
    async send(items, options = {}) {
      // the same items make the same batch id: a retry is recognisably the same request
      const batchId = `FB${createHash('sha256').update(items.map((i) => i.feedbackId).join(',')).digest('hex').slice(0, 30)}`;
      const res = await connector.submitCorrection(
        batchId,
        items.map((i) => ({
          feedbackId: i.feedbackId, recordId: i.recordId, dataType: i.dataset, aac002: i.personId, field: i.field, reportedValue: i.reportedValue,
          ...(i.correctedValue === null ? {} : { correctedValue: i.correctedValue }), reasonCode: i.reasonCode, verifiedDate: compactDate(i.verifiedDate),
        })),
        options,
      );
      return res.acceptedCount;
    },
  };
}
