// The floor and the SQL baseline of `npm run bench` (bench/month.ts), in a process of their own,
// on the same scratch database after the hub's month, on the same bytes the hub received:
// - floor: parse each archived page body with the cheapest honest parser of its format (JSON:
//   JSON.parse; SOAP XML: a scanner, each <record> to an object; GBK CSV: iconv-lite + csv-parse), then
//   COPY the rows (channel, dataset, raw JSON text) into a table with no index, no logic;
// - SQL baseline: what a database administrator would write instead of the hub: COPY the same
//   rows as jsonb, then classify every roster person in SQL — deaths by two origins, current
//   imprisonment, a second pension, expired certification — and count the decisions.
// Reading the bodies back from raw_pages is outside every timing.
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { parse as parseCsv } from 'csv-parse/sync';
import pg from 'pg';
import { CIVIL_HEADER } from '../schemas/civil.ts';
import { from as copyFrom } from 'pg-copy-streams';
import type { FloorConfig, FloorMessage, FloorResult, FloorStage, Span } from './month-messages.ts';

function send(message: FloorMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

const stage = (s: FloorStage) => send({ kind: 'stage', stage: s });

type Row = [channel: string, dataset: string, raw: string];

class Meter implements Span {
  wall = 0;
  cpu = 0;
  async time<T>(fn: () => Promise<T> | T): Promise<T> {
    const w = performance.now();
    const c = process.cpuUsage();
    try {
      return await fn();
    } finally {
      this.wall += (performance.now() - w) / 1000;
      const d = process.cpuUsage(c);
      this.cpu += (d.user + d.system) / 1e6;
    }
  }
  span(): Span {
    return { wall: this.wall, cpu: this.cpu };
  }
}

/** The records of a JSON page: the first array in the envelope, breadth first (or the body itself). */
function jsonRecords(body: Buffer): unknown[] {
  let level: unknown[] = [JSON.parse(body.toString('utf8'))];
  while (level.length > 0) {
    const next: unknown[] = [];
    for (const v of level) {
      if (Array.isArray(v)) return v;
      if (v !== null && typeof v === 'object') next.push(...Object.values(v));
    }
    level = next;
  }
  return [];
}

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescapeXml = (t: string): string =>
  t.includes('&') ? t.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => (e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITY[e] ?? m))) : t;

/**
 * The <record> elements of a SOAP page, each as { child: text }: a scanner for the flat
 * records the service sends (the cheapest honest parse of those bytes, no schema, no DOM).
 */
function xmlRecords(body: Buffer): Record<string, string>[] {
  const text = body.toString('utf8');
  const out: Record<string, string>[] = [];
  const field = /<([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/g;
  let at = text.indexOf('<record>');
  while (at >= 0) {
    const end = text.indexOf('</record>', at);
    if (end < 0) break;
    const inner = text.slice(at + 8, end);
    const rec: Record<string, string> = {};
    for (const m of inner.matchAll(field)) rec[m[1]] = unescapeXml(m[2]);
    out.push(rec);
    at = text.indexOf('<record>', end);
  }
  return out;
}

/**
 * The rows of a civil page: the bytes of one or more GBK CSV files one after another (each
 * with its header line), one object per line keyed by the header.
 */
function csvRecords(body: Buffer): Record<string, string>[] {
  const text = iconv.decode(body, 'gb18030');
  const header = CIVIL_HEADER.join(',');
  const out: Record<string, string>[] = [];
  let at = text.indexOf(header);
  while (at >= 0) {
    const next = text.indexOf(header, at + header.length);
    const file = next < 0 ? text.slice(at) : text.slice(at, next);
    for (const r of parseCsv(file, { columns: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true }) as Record<string, string>[]) out.push(r);
    at = next;
  }
  return out;
}

const formatOf = (channel: string): 'json' | 'soap-xml' | 'gbk-csv' => (channel === 'ministry' ? 'soap-xml' : channel === 'civil' ? 'gbk-csv' : 'json');

function csvField(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

async function copyRows(client: pg.PoolClient | pg.Client, sql: string, rows: readonly Row[]): Promise<void> {
  const CHUNK = 5000;
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      let text = '';
      for (const [c, d, raw] of rows.slice(i, i + CHUNK)) text += `${csvField(c)},${csvField(d)},${csvField(raw)}\n`;
      yield text;
    }
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
}

// A DBA's month in SQL: identity numbers cleaned (spaces, full-width digits), one fact table,
// then the decision per roster person in the order of decision-rules.md §4, simplified.
const CLASSIFY_SQL = String.raw`
CREATE FUNCTION pg_temp.base_date(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE m text[];
BEGIN
  t := translate(t, '０１２３４５６７８９', '0123456789');
  m := regexp_match(t, '^\s*(\d{4})(\d{2})(\d{2})');
  IF m IS NULL THEN m := regexp_match(t, '(\d{4})\D(\d{1,2})\D(\d{1,2})'); END IF;
  IF m IS NULL THEN RETURN NULL; END IF;
  RETURN make_date(m[1]::int, m[2]::int, m[3]::int);
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
CREATE TEMP TABLE base_facts AS
WITH r AS (SELECT channel, dataset, raw FROM base_records),
f AS (
  SELECT channel, dataset, raw,
    CASE WHEN channel = 'ministry' THEN raw->>'aac002'
         WHEN channel = 'bigdata' THEN raw->>'GMSFHM'
         WHEN channel = 'civil' THEN raw->>'身份证号码'
         WHEN channel = 'health' THEN raw->>'idNumber'
         ELSE raw->>'sfzh' END AS rid
  FROM r)
SELECT upper(translate(regexp_replace(rid, '[\s　]', '', 'g'), '０１２３４５６７８９Ｘｘ', '0123456789XX')) AS person_id,
  CASE
    WHEN channel = 'ministry' AND raw->>'dataType' = 'DEATH' THEN 'death'
    WHEN channel = 'bigdata' AND dataset IN ('death') THEN 'death'
    WHEN channel = 'bigdata' AND dataset = 'cremation' THEN 'death'
    WHEN channel = 'civil' THEN 'death'
    WHEN channel = 'health' AND dataset = 'death-certificates' THEN 'death'
    WHEN channel NOT IN ('ministry', 'bigdata', 'civil', 'health') AND raw->>'hjzt' = '注销' AND raw->>'zxyy' = '死亡' THEN 'death'
    WHEN channel = 'ministry' AND raw->>'dataType' = 'PRISON' THEN 'prison'
    WHEN channel = 'bigdata' AND dataset = 'prison' THEN 'prison'
    WHEN channel = 'ministry' AND raw->>'dataType' = 'BENEFIT' THEN 'benefit'
    WHEN channel = 'ministry' AND raw->>'dataType' IN ('AUTH', 'TRAVEL', 'MEDICAL', 'OVERSEAS') THEN 'alive'
    WHEN channel = 'health' AND dataset IN ('vaccinations', 'checkups') THEN 'alive'
    ELSE 'other' END AS fact,
  -- the origin of a death: big-data center and city police are one (provincial police)
  CASE WHEN channel = 'ministry' THEN 'ministry'
       WHEN channel = 'bigdata' AND dataset = 'cremation' THEN 'civil'
       WHEN channel = 'bigdata' THEN 'police'
       WHEN channel IN ('civil', 'health') THEN channel
       ELSE 'police' END AS origin,
  pg_temp.base_date(coalesce(raw->>'eventDate', raw->>'XQQSRQ', raw->>'SWRQ', raw->>'死亡日期', raw->>'deathTime', raw->>'administeredAt', raw->>'checkupDate', raw->>'zxrq')) AS start_date,
  pg_temp.base_date(coalesce(raw->>'eventEndDate', raw->>'XQJZRQ')) AS end_date
FROM f;
CREATE TEMP TABLE base_decisions AS
WITH a AS (
  SELECT person_id,
    count(DISTINCT origin) FILTER (WHERE fact = 'death') AS d,
    bool_or(fact = 'prison' AND start_date <= $1::date AND (end_date IS NULL OR end_date >= $1::date)) AS prison,
    bool_or(fact = 'benefit' AND start_date <= $1::date AND (end_date IS NULL OR end_date >= $1::date)) AS benefit,
    max(start_date) FILTER (WHERE fact = 'alive') AS alive
  FROM base_facts GROUP BY person_id),
p AS (
  SELECT ro.person_id, ro.account_status, ro.benefit_status, ro.last_certified_month, ro.birth_date,
    coalesce(a.d, 0) AS d, coalesce(a.prison, false) AS prison, coalesce(a.benefit, false) AS benefit, a.alive
  FROM base_roster ro LEFT JOIN a ON a.person_id = ro.person_id)
SELECT person_id,
  CASE WHEN account_status = 'sealed' THEN 'excluded'
       WHEN d >= 2 OR prison OR benefit THEN 'ineligible'
       WHEN d = 1 THEN 'suspect'
       WHEN benefit_status = 'suspended' THEN 'excluded'
       WHEN greatest(to_date(last_certified_month, 'YYYY-MM'), date_trunc('month', alive)::date)
            + make_interval(months => CASE WHEN age($1::date, birth_date::date) >= interval '80 years' THEN 6 ELSE 12 END)
            < to_date($2, 'YYYY-MM') THEN 'suspect'
       ELSE 'eligible' END AS decision
FROM p;
`;

/** Archived pages read, parsed and copied at a time (the largest pages are ~140 KB of SOAP). */
const FLOOR_PAGE_BATCH = 200;

export async function runFloor(config: FloorConfig): Promise<FloorResult> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const { rows: pulls } = await client.query<{ pull_id: string; channel: string; dataset: string }>(
      `SELECT pull_id, channel, dataset FROM pulls WHERE run_id = $1 ORDER BY pull_id`, [config.runId],
    );
    await client.query(`CREATE TABLE floor_rows (channel text, dataset text, raw text)`);
    await client.query(`CREATE TABLE base_records (channel text, dataset text, raw jsonb)`);
    const parse: FloorResult['parse'] = {};
    const parseM = new Meter();
    const copyM = new Meter();
    const sqlCopyM = new Meter();
    let records = 0;
    const perDataset: Record<string, number> = {};
    let bytes = 0;
    await stage('floor-parse');
    for (const pull of pulls) {
      // a batch of one pull's pages at a time: memory bounded by the batch, not by the largest pull
      // (the ministry's AUTH pull alone is 2.6 GB of pages and 9.5 million records at 10,000,000 persons)
      const format = formatOf(pull.channel);
      const f = (parse[format] ??= { records: 0, bytes: 0, seconds: 0 });
      const label = `${pull.channel}/${pull.dataset}`;
      perDataset[label] ??= 0;
      for (let after = 0; ;) {
        const { rows: pages } = await client.query<{ seq: number; body: Buffer }>(
          `SELECT seq, body FROM raw_pages WHERE pull_id = $1 AND seq > $2 ORDER BY seq LIMIT ${FLOOR_PAGE_BATCH}`, [pull.pull_id, after]);
        if (pages.length === 0) break;
        after = pages[pages.length - 1].seq;
        const rows: Row[] = [];
        const t0 = performance.now();
        await parseM.time(() => {
          for (const { body } of pages) {
            const recs = format === 'json' ? jsonRecords(body) : format === 'soap-xml' ? xmlRecords(body) : csvRecords(body);
            for (const r of recs) rows.push([pull.channel, pull.dataset, JSON.stringify(r)]);
            f.bytes += body.byteLength;
          }
        });
        f.seconds += (performance.now() - t0) / 1000;
        f.records += rows.length;
        perDataset[label] += rows.length;
        records += rows.length;
        bytes += pages.reduce((s, p) => s + p.body.byteLength, 0);
        await copyM.time(() => copyRows(client, `COPY floor_rows (channel, dataset, raw) FROM STDIN WITH (FORMAT csv)`, rows));
        await sqlCopyM.time(() => copyRows(client, `COPY base_records (channel, dataset, raw) FROM STDIN WITH (FORMAT csv)`, rows));
      }
    }
    // the roster as the DBA has it: a plain copy of the hub's roster table (not timed: the hub's roster load is setup too)
    await client.query(`CREATE TABLE base_roster AS SELECT person_id COLLATE "default" AS person_id, account_status, benefit_status, last_certified_month, birth_date FROM t1_recipients`);
    await stage('sql-classify');
    const classifyM = new Meter();
    await classifyM.time(async () => {
      await client.query('BEGIN');
      // multi-statement text cannot take parameters: inline the two (checked formats) instead
      if (!/^\d{4}-\d\d-\d\d$/.test(config.asOf) || !/^\d{4}-\d\d$/.test(config.period)) throw new Error('bad asOf or period');
      await client.query(CLASSIFY_SQL.replaceAll('$1', `'${config.asOf}'`).replaceAll('$2', `'${config.period}'`));
      await client.query('COMMIT');
    });
    const { rows: counted } = await client.query<{ decision: string; n: string }>(`SELECT decision, count(*) AS n FROM base_decisions GROUP BY decision`);
    const { rows: agree } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM base_decisions b JOIN results r ON r.person_id = b.person_id COLLATE "C" AND r.period = $1 WHERE r.decision = b.decision`, [config.period],
    );
    await stage('done');
    return {
      records,
      perDataset,
      bytes,
      parse,
      parseSpan: parseM.span(),
      copySpan: copyM.span(),
      sqlCopySpan: sqlCopyM.span(),
      sqlClassifySpan: classifyM.span(),
      sqlDecisions: Object.fromEntries(counted.map((r) => [r.decision, Number(r.n)])),
      sqlAgreement: Number(agree[0]?.n ?? 0),
      peakRssKiB: process.resourceUsage().maxRSS,
    };
  } finally {
    await client.end();
  }
}

if (process.send && process.argv[2]) {
  const config = JSON.parse(process.argv[2]) as FloorConfig;
  try {
    await send({ kind: 'result', result: await runFloor(config) });
  } catch (err) {
    await send({ kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
  }
  process.disconnect();
}
