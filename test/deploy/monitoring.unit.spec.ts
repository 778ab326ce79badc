import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { Metrics } from '../../src/observability/metrics.js';
import { readCompose } from './compose.js';
import { filesUnder, readText, readYaml } from './repository.js';

/** PromQL words that are not metric names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names a PromQL expression reads: label matchers, strings, ranges, groupings and function names removed. */
function metricNamesIn(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/([\w:.]+)(\s*\()?/g)]
    .filter(([, , call]) => call === undefined)
    .map(([, word = '']) => word)
    .filter((word) => !/^[\d.]/.test(word) && !KEYWORDS.has(word.toLowerCase()));
}

const panel = z.looseObject({ title: z.string(), targets: z.array(z.looseObject({ expr: z.string(), datasource: z.looseObject({ uid: z.string() }).optional() })).optional() });
const dashboardSchema = z.looseObject({ uid: z.string(), title: z.string(), panels: z.array(panel.extend({ panels: z.array(panel).optional() })) });

const dashboards = filesUnder('deploy/grafana/dashboards', ['.json']).map((file) => ({ file, dashboard: dashboardSchema.parse(JSON.parse(readText(file))) }));
const expressions = dashboards.flatMap(({ dashboard }) => dashboard.panels.flatMap((entry) => [entry, ...(entry.panels ?? [])]).flatMap(({ targets = [] }) => targets));

async function exposedMetricNames(): Promise<Set<string>> {
  const metrics = await new Metrics().registry.getMetricsAsJSON();
  return new Set(metrics.flatMap(({ name, type }) => (String(type) === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : String(type) === 'summary' ? [name, `${name}_sum`, `${name}_count`] : [name])));
}

const grafana = suite('Grafana dashboard');

grafana('the extractor finds the metric names of an expression', () => {
  assert.equal(metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status=~"5.."}[$__rate_interval])))'), ['http_request_duration_seconds_bucket']);
  assert.equal(metricNamesIn('sum(a_total) / sum(b_total offset 1h)'), ['a_total', 'b_total']);
});

grafana('parses, and queries only metrics the process exposes', async () => {
  assert.ok(dashboards.length > 0, 'no dashboard under deploy/grafana/dashboards');
  const exposed = await exposedMetricNames();
  assert.ok(expressions.length > 0);
  for (const { expr } of expressions) {
    const names = metricNamesIn(expr);
    assert.ok(names.length > 0, `no metric in ${expr}`);
    for (const name of names) assert.ok(exposed.has(name), `${name} (in ${expr}) is not a metric src/observability/metrics.ts exposes`);
  }
});

grafana('shows request rate and latency, projection lag and SLA breaches', () => {
  const used = new Set(expressions.flatMap(({ expr }) => metricNamesIn(expr)));
  for (const name of ['http_request_duration_seconds_count', 'http_request_duration_seconds_bucket', 'itsm_projection_lag_seconds', 'itsm_sla_breaches_total']) assert.ok(used.has(name), `the dashboard never reads ${name}`);
});

grafana('is provisioned: the datasource it names exists and the dashboards folder is mounted where the provider reads', () => {
  const datasources = z.looseObject({ datasources: z.array(z.looseObject({ uid: z.string(), type: z.string(), url: z.string() })) }).parse(readYaml('deploy/grafana/provisioning/datasources/prometheus.yml')).datasources;
  for (const { datasource } of expressions) if (datasource) assert.ok(datasources.some(({ uid }) => uid === datasource.uid), `datasource ${datasource.uid} is not provisioned`);
  const providers = z.looseObject({ providers: z.array(z.looseObject({ options: z.looseObject({ path: z.string() }) })) }).parse(readYaml('deploy/grafana/provisioning/dashboards/itsm.yml')).providers;
  const mounts = (readCompose().services.grafana?.volumes ?? []).filter((volume) => typeof volume === 'string');
  for (const { options } of providers) assert.ok(mounts.some((volume) => volume.startsWith('./deploy/grafana/dashboards:') && volume.includes(`:${options.path}`)), `nothing mounts the dashboards at ${options.path}`);
});

const prometheus = suite('Prometheus');

prometheus("scrapes every API replica's /metrics on the port the API listens on", () => {
  const config = z
    .looseObject({
      scrape_configs: z.array(
        z.looseObject({
          metrics_path: z.string().optional(),
          dns_sd_configs: z.array(z.looseObject({ names: z.array(z.string()), port: z.number() })).optional(),
          static_configs: z.array(z.looseObject({ targets: z.array(z.string()) })).optional(),
        }),
      ),
    })
    .parse(readYaml('deploy/prometheus/prometheus.yml'));
  const compose = readCompose();
  const api = compose.services.api;
  assert.ok(api);
  const port = Object.fromEntries(Object.entries(api.environment ?? {})).PORT;
  const targets = config.scrape_configs
    .filter(({ metrics_path }) => (metrics_path ?? '/metrics') === '/metrics')
    .flatMap(({ dns_sd_configs = [], static_configs = [] }) => [...dns_sd_configs.flatMap(({ names, port: sdPort }) => names.map((name) => `${name}:${sdPort}`)), ...static_configs.flatMap(({ targets: list }) => list)]);
  assert.ok(targets.includes(`api:${String(port)}`), `no scrape job reads api:${String(port)}/metrics (found ${targets.join(', ')})`);
  assert.ok(config.scrape_configs.some(({ dns_sd_configs }) => dns_sd_configs?.some(({ names }) => names.includes('api'))), 'a static target would reach one replica per scrape');
});

grafana.run();
prometheus.run();
