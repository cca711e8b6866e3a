// `lifecert publish`: one shard's results (from `lifecert match`) written to the mirror's T+1
// tables — `publishArea` of the pipeline: the shard's results for the period replaced and the
// cases they need opened, in one transaction (a re-run opens no case twice). `msg.payload`
// becomes what was published: persons, decisions, cases opened; `msg.parts` stays for a `join`.
import { publishArea } from '../../pipeline/index.ts';
import type { Result } from '../../schemas/types.ts';
import type { MirrorNode } from './lifecert-mirror.ts';
import type { Node, NodeAPI } from './red.ts';
import { asError, flowsError, periodOf, runIdOf, short, WorkInHand } from './util.ts';

interface PublishConfig {
  name?: string;
  mirror: string;
}

const AREA = /^\d{6}$/;

function isResults(x: unknown): x is Result[] {
  return Array.isArray(x) && x.every((r) => r !== null && typeof r === 'object' && typeof (r as Result).personId === 'string' && typeof (r as Result).decision === 'string');
}

export default function register(RED: NodeAPI): void {
  function LifecertPublish(this: Node, config: PublishConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const mirror = RED.nodes.getNode(config.mirror) as MirrorNode | null;
    const inHand = new WorkInHand();
    let persons = 0;
    node.status({});

    node.on('input', (msg, send, done) => {
      inHand.track((async () => {
        try {
          if (!mirror) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', 'no mirror configuration chosen');
          const period = periodOf(msg);
          const areaCode = msg.areaCode;
          if (typeof areaCode !== 'string' || !AREA.test(areaCode)) throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', `msg.areaCode must be a 6-digit area code, got ${JSON.stringify(areaCode)}`);
          if (!isResults(msg.payload)) throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', 'msg.payload must be the results of a lifecert match node');
          const results = msg.payload;
          const outside = results.find((r) => r.areaCode !== areaCode);
          if (outside) throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', `a result of area ${outside.areaCode} is in the shard of ${areaCode}`);
          const runId = runIdOf(msg);
          const openedAt = new Date().toISOString();
          const casesOpened = await publishArea(await mirror.db(), areaCode, period, runId, results, openedAt);
          const decisions: Record<string, number> = { eligible: 0, ineligible: 0, suspect: 0, excluded: 0 };
          for (const r of results) decisions[r.decision] = (decisions[r.decision] ?? 0) + 1;
          persons += results.length;
          node.status({ fill: 'green', shape: 'dot', text: `${short(persons)} published` });
          msg.payload = { period, areaCode, persons: results.length, decisions, casesOpened };
          send(msg);
          done();
        } catch (err) {
          node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-publish.status.failed') });
          done(asError(err));
        }
      })());
    });
    // a shard is one transaction: let the ones under way finish
    node.on('close', (_removed, done) => {
      void inHand.settled().then(() => {
        node.status({});
        done();
      });
    });
  }
  RED.nodes.registerType('lifecert-publish', LifecertPublish);
}
