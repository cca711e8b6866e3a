// `lifecert pull`: one source, one dataset (or all of them, one after another) pulled from the
// committed cursor into the mirror — `ingestDataset` of the pipeline, nothing more. A message
// per committed page with its counts; then one with `msg.pullComplete = true` and the counts per
// dataset. Errors go to done(err), so a Catch node routes them; closing the flow stops the pull
// after the page in hand (committed with its cursor).
import { ingestDataset } from '../../pipeline/index.ts';
import type { PageProgress } from '../../pipeline/index.ts';
import type { PullCounts } from '../../schemas/types.ts';
import type { MirrorNode } from './lifecert-mirror.ts';
import type { SourceNode } from './lifecert-source.ts';
import type { Done, Node, NodeAPI, NodeMessage, Send } from './red.ts';
import { asError, asOfOf, flowsError, runIdOf, short } from './util.ts';

interface PullConfig {
  name?: string;
  source: string;
  /** '' or absent: every dataset of the source */
  dataset?: string;
  mirror: string;
}

export default function register(RED: NodeAPI): void {
  function LifecertPull(this: Node, config: PullConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const source = RED.nodes.getNode(config.source) as SourceNode | null;
    const mirror = RED.nodes.getNode(config.mirror) as MirrorNode | null;
    // each pull in progress: its abort switch and when it has ended
    const running = new Map<AbortController, Promise<void>>();
    node.status({});

    node.on('input', (msg, send, done) => {
      const controller = new AbortController();
      running.set(controller, pull(msg, send, done, controller).finally(() => running.delete(controller)));
    });

    async function pull(msg: NodeMessage, send: Send, done: Done, controller: AbortController): Promise<void> {
      try {
        if (!source) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no source configuration chosen');
        if (!mirror) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no mirror configuration chosen');
        const connector = source.connector();
        const wanted = config.dataset ? [config.dataset] : [...connector.datasets];
        for (const d of wanted) {
          if (!connector.datasets.includes(d)) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `${connector.channel} has no dataset ${JSON.stringify(d)} (it has ${connector.datasets.join(', ')})`);
        }
        const asOf = asOfOf(msg);
        const runId = runIdOf(msg);
        const db = await mirror.db();
        const counts: Record<string, PullCounts> = {};
        for (const dataset of wanted) {
          node.status({ fill: 'blue', shape: 'dot', text: RED._('lifecert-pull.status.pulling', { dataset }) });
          counts[`${connector.channel}/${dataset}`] = await ingestDataset({
            db, connector, dataset, asOf, runId, signal: controller.signal, log: RED.settings.lifecert?.log,
            onPage: (p: PageProgress) => {
              node.status({ fill: 'blue', shape: 'dot', text: `${dataset} ${short(p.totals.pulled)}` });
              const page: NodeMessage = RED.util.cloneMessage(msg);
              page.topic = `${p.channel}/${p.dataset}`;
              page.payload = { channel: p.channel, dataset: p.dataset, pullId: p.pullId, seq: p.seq, page: p.page, totals: p.totals, newVersions: p.newVersions };
              send(page);
            },
          });
        }
        const total = Object.values(counts).reduce((a, c) => a + c.pulled, 0);
        node.status({ fill: 'green', shape: 'dot', text: RED._('lifecert-pull.status.done', { n: short(total) }) });
        msg.topic = connector.channel;
        // not `complete`: a join node takes that as "send the group now"
        msg.pullComplete = true;
        msg.runId = runId;
        msg.asOf = asOf;
        msg.payload = counts;
        send(msg);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: controller.signal.aborted ? RED._('lifecert-pull.status.stopped') : RED._('lifecert-pull.status.failed') });
        done(asError(err));
      }
    }

    // stop every pull after its page in hand (committed with its cursor), then report closed
    node.on('close', (_removed, done) => {
      for (const c of running.keys()) c.abort();
      void Promise.allSettled([...running.values()]).then(() => {
        node.status({});
        done();
      });
    });
  }
  RED.nodes.registerType('lifecert-pull', LifecertPull);
}
