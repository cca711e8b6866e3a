// The REST departments: big-data's signed POST /api/v1/feedback, each city's police POST
// /hukou/feedback with its OAuth2 token, health's POST /v2/feedback with its API key
// (sources.md §2, §3, §5). Signing, tokens and keys are the connectors' clients'.
import type { BigdataConnector } from '../../connectors/bigdata/connector.ts';
import type { HealthConnector } from '../../connectors/health/connector.ts';
import type { PoliceConnector } from '../../connectors/police/connector.ts';
import type { FeedbackChannel } from './wire.ts';

export function bigdataChannel(connector: BigdataConnector): FeedbackChannel {
  return {
    channel: connector.channel,
    async send(items, options = {}) {
      const { accepted } = await connector.postFeedback(
        items.map((i) => ({
          feedbackId: i.feedbackId, dataset: i.dataset, JLID: i.recordId, GMSFHM: i.personId, field: i.field, reportedValue: i.reportedValue,
          correctedValue: i.correctedValue ?? '', reasonCode: i.reasonCode, verifiedDate: i.verifiedDate,
        })),
        options,
      );
      return accepted;
    },
  };
}

export function policeChannel(connector: PoliceConnector): FeedbackChannel {
  return {
    channel: connector.channel,
    async send(items, options = {}) {
      const { accepted } = await connector.postFeedback(
        items.map((i) => ({
          feedbackId: i.feedbackId, id: i.recordId, sfzh: i.personId, field: i.field, reportedValue: i.reportedValue,
          correctedValue: i.correctedValue ?? '', reasonCode: i.reasonCode, verifiedDate: i.verifiedDate,
        })),
        options,
      );
      return accepted;
    },
  };
}

export function healthChannel(connector: HealthConnector): FeedbackChannel {
  return {
    channel: connector.channel,
    async send(items, options = {}) {
      // 202 means every item was accepted (sources.md §5); anything else the client throws
      await connector.postFeedback(
        items.map((i) => ({
          feedbackId: i.feedbackId, recordType: i.dataset, recordId: i.recordId, idNumber: i.personId, field: i.field, reportedValue: i.reportedValue,
          correctedValue: i.correctedValue ?? '', reasonCode: i.reasonCode, verifiedDate: i.verifiedDate,
        })),
        options,
      );
      return items.length;
    },
  };
}
