// deploy/: the alert rules and the Grafana dashboard name only metrics the gateway exports, and
// the alerts the issue asks for are there (connector stale over 36 h, error rate, failed jobs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gatewaySuite } from './helpers.ts';

const DEPLOY = path.join(import.meta.dirname, '..', '..', 'deploy');

/** The `expr` of every rule of a Prometheus rules file (plain and `|` block values). */
function ruleExpressions(yaml: string): { alert: string; expr: string }[] {
  const lines = yaml.split('\n');
  const out: { alert: string; expr: string }[] = [];
  let alert = '';
  for (let i = 0; i < lines.length; i++) {
    const a = /^\s*- alert:\s*(\S+)/.exec(lines[i]);
    if (a) alert = a[1];
    const m = /^(\s*)expr:\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    if (m[2].trim() !== '|') {
      out.push({ alert, expr: m[2].trim() });
      continue;
    }
    const body: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1].trim() === '' || lines[i + 1].search(/\S/) > m[1].length)) body.push(lines[++i].trim());
    out.push({ alert, expr: body.join(' ').trim() });
  }
  return out;
}

const metricNames = (expr: string) => [...expr.matchAll(/\blifecert_[a-z_]+\b/g)].map((m) => m[0]);

gatewaySuite(
  'deploy: alert rules and dashboard',
  (h) => {
    let exported: Set<string>;
    before(async () => {
      const metrics = await h.gateway().metrics.registry.getMetricsAsJSON();
      exported = new Set(metrics.flatMap((m) => (String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name])));
    });

    it('every alert expression names exported metrics, and the asked-for alerts exist', () => {
      const rules = ruleExpressions(fs.readFileSync(path.join(DEPLOY, 'prometheus', 'lifecert-alerts.yml'), 'utf8'));
      assert.ok(rules.length >= 8);
      assert.equal(new Set(rules.map((r) => r.alert)).size, rules.length, 'alert names are unique');
      for (const r of rules) for (const name of metricNames(r.expr)) assert.ok(exported.has(name), `${r.alert}: ${name} is not exported`);
      const byName = new Map(rules.map((r) => [r.alert, r.expr]));
      assert.match(byName.get('LifecertConnectorStale') ?? '', /time\(\) - lifecert_connector_last_success_timestamp_seconds > 36 \* 3600/);
      assert.match(byName.get('LifecertConnectorErrorRate') ?? '', /lifecert_connector_errors_total/);
      assert.match(byName.get('LifecertJobsFailed') ?? '', /lifecert_queue_jobs\{state="failed"\}/);
    });

    it('every dashboard query names exported metrics', () => {
      const dash = JSON.parse(fs.readFileSync(path.join(DEPLOY, 'grafana', 'lifecert-dashboard.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
      const queries = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
      assert.ok(queries.length >= 15);
      for (const q of queries) {
        const names = metricNames(q.expr);
        assert.ok(names.length > 0, q.title);
        for (const name of names) assert.ok(exported.has(name), `${q.title}: ${name} is not exported`);
      }
    });
  },
  { kinds: ['pglite'] },
);
