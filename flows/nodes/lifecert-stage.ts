// `lifecert stage`: the records `lifecert normalize` made (`msg.records`) staged in the mirror
// as one pull of their channel and dataset — `stageRecords` of the pipeline: every version
// kept, rejections quarantined, the pull counted (pulled = staged + rejected + skipped).
// `msg.payload` becomes those counts.
import { stageRecords } from '../../pipeline/index.ts';
import type { MirrorNode } from './lifecert-mirror.ts';
import type { RecordForStage } from './lifecert-normalize.ts';
import type { Node, NodeAPI } from './red.ts';
import { asError, asOfOf, flowsError, runIdOf, short, WorkInHand } from './util.ts';

interface StageConfig {
  name?: string;
  mirror: string;
}

function isRecordForStage(r: unknown): r is RecordForStage {
  if (r === null || typeof r !== 'object') return false;
  const x = r as Record<string, unknown>;
  const n = x.normalized as Record<string, unknown> | null | undefined;
  return typeof x.recordId === 'string' && typeof x.updatedAt === 'string' && 'raw' in x && n !== null && typeof n === 'object' && typeof n.outcome === 'string';
}

export default function register(RED: NodeAPI): void {
  function LifecertStage(this: Node, config: StageConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const mirror = RED.nodes.getNode(config.mirror) as MirrorNode | null;
    let total = 0;
    node.status({});
    const inHand = new WorkInHand();

    node.on('input', (msg, send, done) => {
      inHand.track((async () => {
        try {
          if (!mirror) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no mirror configuration chosen');
          const records = msg.records;
          if (!Array.isArray(records) || !records.every(isRecordForStage)) throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', 'msg.records must be the records of a lifecert normalize node');
          if (typeof msg.channel !== 'string' || typeof msg.dataset !== 'string') throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', 'msg.channel and msg.dataset must name where the records are staged');
          const asOf = asOfOf(msg);
          const runId = runIdOf(msg);
          node.status({ fill: 'blue', shape: 'dot', text: RED._('lifecert-stage.status.staging') });
          const counts = await stageRecords({
            db: await mirror.db(), channel: msg.channel, dataset: msg.dataset, asOf, runId, records, log: RED.settings.lifecert?.log,
            request: typeof msg.url === 'string' ? `flow ${node.id} ${msg.url}` : typeof msg.filename === 'string' ? `flow ${node.id} ${msg.filename}` : `flow ${node.id}`,
          });
          total += counts.pulled;
          node.status({ fill: 'green', shape: 'dot', text: `${short(total)} staged` });
          msg.runId = runId;
          msg.asOf = asOf;
          delete msg.records;
          msg.payload = counts;
          send(msg);
          done();
        } catch (err) {
          node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-stage.status.failed') });
          done(asError(err));
        }
      })());
    });
    // a page being staged is one transaction: let it finish
    node.on('close', (_removed, done) => {
      void inHand.settled().then(() => {
        node.status({});
        done();
      });
    });
  }
  RED.nodes.registerType('lifecert-stage', LifecertStage);
}
