import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ApiMetrics } from '../../src/api/metrics';

// What the worker's Temporal runtime exports (SDK metrics with countersTotalSuffix and seconds)
// plus the activities' outcome counters; checked live by test/e2e/worker-metrics.test.ts.
const WORKER_METRICS = [
  'email_outcomes_total',
  'webhook_outcomes_total',
  'temporal_workflow_task_execution_latency_bucket',
  'temporal_activity_execution_latency_bucket',
];

/** The metric names a PromQL expression reads: what is left without labels, ranges and calls. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\bby \([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]!);
}

describe('the Grafana dashboard shipped with the deploy files', () => {
  it('when each panel query is read, then every metric it names is one the API or the worker exports', async () => {
    const file = path.resolve(__dirname, '../../deploy/grafana-dashboard.json');
    const dashboard = JSON.parse(await readFile(file, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const api = (await new ApiMetrics().registry.getMetricsAsJSON()).flatMap((m) => [
      m.name,
      `${m.name}_bucket`,
      `${m.name}_count`,
      `${m.name}_sum`,
    ]);
    const known = new Set([...api, ...WORKER_METRICS]);
    expect(dashboard.panels.length).to.be.at.least(8);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const names = metricNames(expr);
        expect(names.length, `${panel.title}: ${expr}`).to.be.above(0);
        for (const name of names) expect(known.has(name), `${panel.title}: ${name}`).to.equal(true);
      }
    }
  });
});
