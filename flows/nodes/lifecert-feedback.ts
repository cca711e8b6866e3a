// `lifecert feedback`: delivers the feedback items waiting for delivery (不属实数据反馈:
// REJECTED and CORRECTED items, state PENDING) to their departments over each one's own
// interface — feedback/deliver.ts, the function the queue jobs and `lifecert run --steps
// …,feedback` call. The departments are those whose source is configured in the flows (their
// config nodes hold the credentials), optionally only the channels named; first the REJECTED
// items of the rejections quarantined since are made. A channel that is down keeps its items
// PENDING for the next message (or a worker's sweep), up to their 72 hours. One output message
// per channel with its counts. "List only" keeps the old behaviour: the pending items, sent
// nowhere (`pendingFeedbackItems`).
import { chinaDate } from '../../lib/china-time.ts';
import { deliverPending, feedbackChannels, storeRejectedFeedback } from '../../feedback/index.ts';
import type { DeliveryResult } from '../../feedback/index.ts';
import { pendingFeedbackItems, sourceKinds } from '../../pipeline/index.ts';
import type { Connector } from '../../pipeline/index.ts';
import type { MirrorNode } from './lifecert-mirror.ts';
import { sourceNodeType } from './lifecert-source.ts';
import type { SourceNode } from './lifecert-source.ts';
import type { Node, NodeAPI, NodeMessage } from './red.ts';
import { asError, flowsError, short } from './util.ts';

interface FeedbackConfig {
  name?: string;
  mirror: string;
  /** 'deliver' (default) or 'list' */
  mode?: string;
  /** '' or absent: every channel configured in the flows; else channels, comma-separated (police-4401, civil) */
  channel?: string;
  /** list only: at most this many items ('' or 0: all) */
  limit?: string;
}

/** The connectors of every source config node deployed in the flows, by channel. */
function configuredConnectors(RED: NodeAPI): Connector[] {
  const types = new Set(sourceKinds().map((k) => sourceNodeType(k.name)));
  const ids: string[] = [];
  RED.nodes.eachNode((n) => {
    if (types.has(n.type)) ids.push(n.id);
  });
  const out = new Map<string, Connector>();
  for (const id of ids) {
    const source = RED.nodes.getNode(id) as SourceNode | null;
    if (!source) continue;
    const connector = source.connector();
    if (!out.has(connector.channel)) out.set(connector.channel, connector);
  }
  return [...out.values()];
}

function channelsOf(text: unknown): string[] {
  return typeof text === 'string' ? text.split(',').map((c) => c.trim()).filter((c) => c !== '') : [];
}

export default function register(RED: NodeAPI): void {
  function LifecertFeedback(this: Node, config: FeedbackConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const mirror = RED.nodes.getNode(config.mirror) as MirrorNode | null;
    const mode = config.mode === 'list' ? 'list' : 'deliver';
    const limit = Number(config.limit || 0);
    const controller = new AbortController();
    node.status({});

    const list = async (channels: string[], msg: NodeMessage) => {
      if (!Number.isInteger(limit) || limit < 0) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `limit must be a whole number, got ${JSON.stringify(config.limit)}`);
      if (channels.length > 1) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'list only takes one channel, or none for all');
      const channel = channels[0];
      const items = await pendingFeedbackItems(await mirror!.db(), { ...(channel ? { channel } : {}), ...(limit > 0 ? { limit } : {}) });
      node.status({ fill: items.length > 0 ? 'yellow' : 'green', shape: 'dot', text: RED._('lifecert-feedback.status.pending', { n: short(items.length) }) });
      msg.payload = items;
      if (channel) msg.channel = channel;
      return msg;
    };

    node.on('input', async (msg, send, done) => {
      try {
        if (!mirror) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no mirror configuration chosen');
        const asked = channelsOf(typeof msg.channel === 'string' && msg.channel !== '' ? msg.channel : config.channel);
        if (mode === 'list') {
          send(await list(asked, msg));
          return done();
        }
        const connectors = configuredConnectors(RED);
        const configured = connectors.map((c) => c.channel);
        const unknown = asked.filter((c) => !configured.includes(c));
        if (unknown.length > 0) {
          throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `no source configured in the flows for ${unknown.join(', ')} (configured: ${configured.join(', ') || 'none'})`);
        }
        node.status({ fill: 'blue', shape: 'dot', text: RED._('lifecert-feedback.status.sending') });
        const db = await mirror.db();
        await storeRejectedFeedback(db, (r) => chinaDate(Date.parse(r.createdAt)));
        const results: DeliveryResult[] = await deliverPending(db, feedbackChannels(connectors), {
          only: asked.length > 0 ? asked : configured, signal: controller.signal, ...(RED.settings.lifecert?.log ? { log: RED.settings.lifecert.log } : {}),
        });
        const sent = results.reduce((n, r) => n + r.sent, 0);
        const failed = results.reduce((n, r) => n + r.failed, 0);
        const waiting = results.filter((r) => r.waiting).map((r) => r.channel);
        const text = RED._('lifecert-feedback.status.delivered', { sent: short(sent), failed: short(failed) }) + (waiting.length > 0 ? ` · ${RED._('lifecert-feedback.status.waiting', { n: waiting.length })}` : '');
        node.status({ fill: failed > 0 ? 'red' : waiting.length > 0 ? 'yellow' : 'green', shape: 'dot', text });
        send([results.map((r) => ({ ...RED.util.cloneMessage(msg), topic: r.channel, channel: r.channel, payload: { channel: r.channel, sent: r.sent, failed: r.failed, waiting: r.waiting, error: r.error } }))]);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-feedback.status.failed') });
        done(asError(err));
      }
    });
    node.on('close', (_removed, done) => {
      controller.abort();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('lifecert-feedback', LifecertFeedback);
}
