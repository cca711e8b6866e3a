// `lifecert feedback`: the feedback items waiting for delivery (不属实数据反馈: REJECTED and
// CORRECTED items, state PENDING), for one channel or all — `pendingFeedbackItems` of the
// pipeline. feedback/ (issue 10) is not in this branch: when it lands, this node wraps its
// delivery function instead, and its input and output stay these.
import { pendingFeedbackItems } from '../../pipeline/index.ts';
import type { MirrorNode } from './lifecert-mirror.ts';
import type { Node, NodeAPI } from './red.ts';
import { asError, flowsError, short } from './util.ts';

interface FeedbackConfig {
  name?: string;
  mirror: string;
  /** '' or absent: every channel */
  channel?: string;
  /** at most this many items per message ('' or 0: all) */
  limit?: string;
}

export default function register(RED: NodeAPI): void {
  function LifecertFeedback(this: Node, config: FeedbackConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const mirror = RED.nodes.getNode(config.mirror) as MirrorNode | null;
    const limit = Number(config.limit || 0);
    node.status({});

    node.on('input', async (msg, send, done) => {
      try {
        if (!mirror) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no mirror configuration chosen');
        if (!Number.isInteger(limit) || limit < 0) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `limit must be a whole number, got ${JSON.stringify(config.limit)}`);
        const channel = typeof msg.channel === 'string' && msg.channel !== '' ? msg.channel : config.channel || undefined;
        const items = await pendingFeedbackItems(await mirror.db(), { ...(channel ? { channel } : {}), ...(limit > 0 ? { limit } : {}) });
        node.status({ fill: items.length > 0 ? 'yellow' : 'green', shape: 'dot', text: `${short(items.length)} pending` });
        msg.payload = items;
        if (channel) msg.channel = channel;
        send(msg);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-feedback.status.failed') });
        done(asError(err));
      }
    });
    node.on('close', (_removed, done) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('lifecert-feedback', LifecertFeedback);
}
