// `lifecert normalize`: records from any node (`http request`, `file in` + `csv`, `mqtt in`) to
// canonical events through a field mapping edited in the node — `normalizeByMapping`, the same
// check sequence and reason codes as a built-in source's mapper. Output 1: the events
// (`msg.payload`), with `msg.records` — every record with what became of it — for `lifecert
// stage`, which keeps the rejections in quarantine too. Output 2: the rejections with their
// reason codes, for whoever must hear of them. A single record in gives single objects out.
import { mappingProblems, normalizeByMapping } from '../../pipeline/index.ts';
import type { FieldMapping, MappedRecord } from '../../pipeline/index.ts';
import type { Node, NodeAPI, NodeMessage } from './red.ts';
import { asError, asOfOf, flowsError, short } from './util.ts';

interface NormalizeConfig {
  name?: string;
  /** the channel the records are staged under (`city-4403`) */
  channel: string;
  dataset: string;
  kind: string;
  origin: string;
  recordId: string;
  personId: string;
  date: string;
  nameField?: string;
  endDate?: string;
  updatedAt?: string;
  /** JSON object of fixed detail values */
  detail?: string;
}

/** The mapping a node's configuration describes, or the reasons it cannot be used. */
export function mappingOf(config: NormalizeConfig): { mapping: FieldMapping; problems: string[] } {
  let detail: unknown = {};
  const problems: string[] = [];
  if (config.detail && config.detail.trim() !== '') {
    try {
      detail = JSON.parse(config.detail) as unknown;
    } catch {
      problems.push('detail is not JSON');
    }
  }
  const m: Record<string, unknown> = {
    kind: config.kind, origin: config.origin, recordId: config.recordId, personId: config.personId, date: config.date, detail,
  };
  if (config.nameField) m.name = config.nameField;
  if (config.endDate) m.endDate = config.endDate;
  if (config.updatedAt) m.updatedAt = config.updatedAt;
  problems.push(...mappingProblems(m));
  return { mapping: m as unknown as FieldMapping, problems };
}

export interface RecordForStage extends MappedRecord {
  raw: unknown;
}

export default function register(RED: NodeAPI): void {
  function LifecertNormalize(this: Node, config: NormalizeConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { mapping, problems } = mappingOf(config);
    let seen = 0;
    let rejected = 0;
    if (problems.length > 0) node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-normalize.status.badMapping') });
    else node.status({});

    node.on('input', (msg, send, done) => {
      try {
        if (problems.length > 0) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `the field mapping cannot be used: ${problems.join('; ')}`);
        const single = !Array.isArray(msg.payload);
        const input: unknown[] = single ? [msg.payload] : (msg.payload as unknown[]);
        if (single && (msg.payload === null || typeof msg.payload !== 'object')) {
          throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', 'msg.payload must be a record (an object) or an array of records: parse JSON or CSV before this node');
        }
        const asOf = asOfOf(msg);
        const records: RecordForStage[] = input.map((raw) => ({ raw, ...normalizeByMapping(mapping, raw, { asOf }) }));
        const events: unknown[] = [];
        const rejections: unknown[] = [];
        for (const r of records) {
          const n = r.normalized;
          if (n.outcome === 'staged') events.push({ ...n.event, recordId: r.recordId });
          else if (n.outcome === 'rejected') {
            rejections.push({ recordId: r.recordId, raw: r.raw, source: config.channel, dataset: config.dataset, field: n.field, reasonCode: n.reasonCode, message: n.message, personId: n.personId });
          }
        }
        seen += records.length;
        rejected += rejections.length;
        node.status({ fill: rejected > 0 ? 'yellow' : 'green', shape: 'dot', text: `${short(seen - rejected)} ok ${short(rejected)} bad` });
        const base = { channel: config.channel, dataset: config.dataset, asOf };
        const out1: NodeMessage = { ...RED.util.cloneMessage(msg), ...base, payload: single ? (events[0] ?? null) : events, records };
        let out2: NodeMessage | null = null;
        if (rejections.length > 0) out2 = { ...RED.util.cloneMessage(msg), ...base, payload: single ? rejections[0] : rejections };
        // a single record that was rejected has no event to send on output 1, but stage still needs it
        send([out1, out2]);
        done();
      } catch (err) {
        done(asError(err));
      }
    });
    node.on('close', (_removed, done) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType('lifecert-normalize', LifecertNormalize);
}
