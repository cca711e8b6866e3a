// `lifecert match`: a period → its results, decided by the pure engine shard by shard (the
// roster's area codes) — `decideShards` of the pipeline. One message per shard: `msg.payload`
// the shard's results (unpublished), `msg.areaCode`, and `msg.parts` so that a `join` can put
// the shards together again. `lifecert publish` writes them. Closing the flow stops between shards.
import { decideShards } from '../../pipeline/index.ts';
import type { MirrorNode } from './lifecert-mirror.ts';
import type { Done, Node, NodeAPI, NodeMessage, Send } from './red.ts';
import { asError, asOfOf, flowsError, periodOf, runIdOf } from './util.ts';

interface MatchConfig {
  name?: string;
  mirror: string;
}

export default function register(RED: NodeAPI): void {
  function LifecertMatch(this: Node, config: MatchConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const mirror = RED.nodes.getNode(config.mirror) as MirrorNode | null;
    const running = new Map<AbortController, Promise<void>>();
    node.status({});

    async function match(msg: NodeMessage, send: Send, done: Done, controller: AbortController): Promise<void> {
      try {
        if (!mirror) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no mirror configuration chosen');
        const period = periodOf(msg);
        const asOf = asOfOf(msg);
        const runId = runIdOf(msg);
        const db = await mirror.db();
        let persons = 0;
        const partsId = `${runId}:${period}`;
        for await (const shard of decideShards(db, period, asOf, controller.signal)) {
          persons += shard.results.length;
          node.status({ fill: 'blue', shape: 'dot', text: `${shard.index}/${shard.total} ${shard.areaCode}` });
          const out: NodeMessage = RED.util.cloneMessage(msg);
          Object.assign(out, { topic: shard.areaCode, period, asOf, runId, areaCode: shard.areaCode, payload: shard.results, parts: { id: partsId, index: shard.index - 1, count: shard.total, type: 'array', len: 1 } });
          send(out);
        }
        node.status({ fill: 'green', shape: 'dot', text: RED._('lifecert-match.status.done', { n: persons }) });
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: controller.signal.aborted ? RED._('lifecert-match.status.stopped') : RED._('lifecert-match.status.failed') });
        done(asError(err));
      }
    }

    node.on('input', (msg, send, done) => {
      const controller = new AbortController();
      running.set(controller, match(msg, send, done, controller).finally(() => running.delete(controller)));
    });
    node.on('close', (_removed, done) => {
      for (const c of running.keys()) c.abort();
      void Promise.allSettled([...running.values()]).then(() => {
        node.status({});
        done();
      });
    });
  }
  RED.nodes.registerType('lifecert-match', LifecertMatch);
}
