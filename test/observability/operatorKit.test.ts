import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { errorCodes } from '../../platform/errors/errorCodes.js';
import { createMetricsRegistry } from '../../platform/metrics/createMetricsRegistry.js';
import { BREAKER_STATE_VALUE, metricCatalog } from '../../platform/metrics/metricCatalog.js';
import { checkScrapeConfig } from '../../scripts/checkWiring.js';
import { readWiringInput } from '../../scripts/readWiringInput.js';

/*
 * The operator's kit (deploy/prometheus, deploy/grafana, the observability profile of
 * docker-compose.yml) against what the services really export: every metric and label that a
 * dashboard query or an alert names must exist (platform/metrics/metricCatalog.ts, or
 * prom-client's process metrics as a real registry lists them), every catalog metric is on
 * the dashboard, and, when promtool is installed, the rules, their unit tests, the scrape
 * config and every dashboard query pass Prometheus' own parser.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const ALERTS = ['VendorSlaMisses', 'VendorBreakerOpen', 'VendorErrorRatio', 'GatewayErrorRatio', 'SubgraphBreakerOpen', 'GatewayLatencyHigh', 'ScrapeTargetDown'];
const DASHBOARD_TITLE = 'Mobile graph';
/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];
/** Series Prometheus makes itself for each target (not exported by any service). */
const PROMETHEUS_SERIES: Record<string, readonly string[]> = { up: [] };
const HISTOGRAM_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

// ── Reading PromQL: which metrics and labels an expression names ─────────────────────────────
interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}
interface References {
  readonly selectors: readonly Selector[];
  /** Labels of by/without/on/ignoring/group_left/group_right clauses. */
  readonly grouping: readonly string[];
}

const AGGREGATORS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const BINARY_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const TOKEN =
  /\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|(\d[\w.]*)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(=~|!~|!=|==|>=|<=|[-+*/%^(){}[\],=<>@:])/y;

/** Grafana's interval variables as a duration, so that the query is plain PromQL. */
const withoutGrafanaVariables = (expr: string) => expr.replace(/\$__(?:rate_interval|interval|range)\b/g, '5m').replace(/\$\{?(service|vendor)\}?/g, '.*');

function promqlReferences(source: string): References {
  const tokens: { kind: 'ident' | 'punct' | 'other'; text: string }[] = [];
  const expr = withoutGrafanaVariables(source);
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expr);
    if (match === null) throw new Error(`cannot read PromQL at ${at}: ${expr.slice(at, at + 30)}`);
    if (match[2] !== undefined) tokens.push({ kind: 'ident', text: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: 'punct', text: match[3] });
    else if (match[1] !== undefined || /^["'`]/.test(match[0])) tokens.push({ kind: 'other', text: match[0] });
  }
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const closing = (from: number, open: string, close: string) => {
    let depth = 0;
    for (let i = from; i < tokens.length; i++) {
      if (tokens[i]!.text === open) depth++;
      if (tokens[i]!.text === close && --depth === 0) return i;
    }
    throw new Error(`unbalanced ${open} in ${source}`);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1]?.text;
    if (token.text === '[') {
      i = closing(i, '[', ']');
      continue;
    }
    if (token.text === '{') throw new Error(`a selector without a metric name in ${source}`);
    if (token.kind !== 'ident') continue;
    if (GROUPING.has(token.text)) {
      if (next !== '(') continue;
      const end = closing(i + 1, '(', ')');
      grouping.push(...tokens.slice(i + 2, end).filter((t) => t.kind === 'ident').map((t) => t.text));
      i = end;
      continue;
    }
    if (next === '(' || AGGREGATORS.has(token.text) || BINARY_WORDS.has(token.text.toLowerCase())) continue;
    const labels: string[] = [];
    if (next === '{') {
      const end = closing(i + 1, '{', '}');
      for (let j = i + 2; j < end; j++) {
        if (tokens[j]!.kind === 'ident' && ['=', '!=', '=~', '!~'].includes(tokens[j + 1]?.text ?? '')) labels.push(tokens[j]!.text);
      }
      i = end;
    }
    selectors.push({ metric: token.text, labels });
  }
  return { selectors, grouping };
}

// ── What the services export ──────────────────────────────────────────────────────────────────
interface Known {
  readonly labels: ReadonlySet<string>;
  readonly histogram: boolean;
}
let known: Map<string, Known>;

beforeAll(async () => {
  known = new Map();
  for (const spec of Object.values(metricCatalog)) {
    known.set(spec.name, { labels: new Set(['service', ...spec.labels]), histogram: spec.type === 'histogram' });
  }
  // prom-client's process metrics, as a real service registry exports them.
  for (const m of await createMetricsRegistry({ service: 'x' }).getMetricsAsJSON()) {
    const labels = new Set(['service', ...m.values.flatMap((v) => Object.keys(v.labels)).filter((l) => l !== 'le')]);
    known.set(m.name, { labels, histogram: String(m.type) === 'histogram' });
  }
  for (const [name, labels] of Object.entries(PROMETHEUS_SERIES)) known.set(name, { labels: new Set(labels), histogram: false });
});

/** The exported metric a series name belongs to, and the labels it may carry. */
function resolve(series: string): { metric: string; labels: Set<string> } | undefined {
  const direct = known.get(series);
  if (direct) return { metric: series, labels: new Set([...direct.labels, ...TARGET_LABELS]) };
  for (const suffix of HISTOGRAM_SUFFIXES) {
    const base = series.endsWith(suffix) ? known.get(series.slice(0, -suffix.length)) : undefined;
    if (base?.histogram === true) {
      return { metric: series.slice(0, -suffix.length), labels: new Set([...base.labels, ...TARGET_LABELS, ...(suffix === '_bucket' ? ['le'] : [])]) };
    }
  }
  return undefined;
}

/** Every problem with the metrics and labels `expr` names; `extraLabels` are labels its templates use. */
function problemsOf(where: string, expr: string, extraLabels: readonly string[] = []): string[] {
  const refs = promqlReferences(expr);
  const problems: string[] = [];
  const allowed = new Set<string>();
  if (refs.selectors.length === 0) problems.push(`${where}: names no metric (${expr})`);
  for (const selector of refs.selectors) {
    const found = resolve(selector.metric);
    if (found === undefined) {
      problems.push(`${where}: ${selector.metric} is neither in platform/metrics/metricCatalog.ts nor a prom-client process metric`);
      continue;
    }
    found.labels.forEach((l) => allowed.add(l));
    for (const label of selector.labels) {
      if (!found.labels.has(label)) problems.push(`${where}: ${selector.metric} has no label "${label}" (it has ${[...found.labels].join(', ')})`);
    }
  }
  for (const label of [...refs.grouping, ...extraLabels]) {
    if (!allowed.has(label)) problems.push(`${where}: label "${label}" is on none of ${refs.selectors.map((s) => s.metric).join(', ')}`);
  }
  return problems;
}

// ── The files ─────────────────────────────────────────────────────────────────────────────────
interface Target {
  readonly expr: string;
  readonly legendFormat?: string;
  readonly refId: string;
  readonly datasource?: { type?: string; uid?: string };
}
interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { type?: string; uid?: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
  readonly fieldConfig?: { defaults?: { mappings?: { type: string; options: Record<string, { text: string }> }[] } };
}
interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { list: { name: string; type: string; query: unknown; datasource?: { uid?: string } }[] };
}
interface Rule {
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

const dashboard = JSON.parse(read('deploy/grafana/dashboards/mobile-graph.json')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));
const rules = (parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = new Map(rules.filter((r) => r.alert !== undefined).map((r) => [r.alert!, r]));
const templateLabels = (text: string) => [...text.matchAll(/\{\{\s*\.?\$?(?:labels\.)?(\w+)\s*\}\}/g)].map((m) => m[1]!).filter((l) => l !== 'value');

describe('the operator kit names only what the services export', () => {
  it('every dashboard query: metrics of the catalog or prom-client, with labels they have', () => {
    expect(targets.length).toBeGreaterThan(0);
    const problems = targets.flatMap(({ panel, target }) =>
      problemsOf(`panel "${panel.title}" (${target.refId})`, target.expr, templateLabels(target.legendFormat ?? '')),
    );
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = String(typeof variable.query === 'object' && variable.query !== null ? (variable.query as { query: string }).query : variable.query);
      const labelValues = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
      expect(labelValues, `variable ${variable.name}: ${query}`).not.toBeNull();
      problems.push(...problemsOf(`variable ${variable.name}`, labelValues![1]!, [labelValues![2]!]));
    }
    expect(problems).toEqual([]);
  });

  it('every alert rule: metrics of the catalog or prom-client, with labels they have, in its query and its annotations', () => {
    expect(rules.length).toBeGreaterThan(0);
    const problems = rules.flatMap((r) => {
      const annotations = Object.values(r.annotations ?? {}).join(' ');
      const labels = [...annotations.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]!);
      return problemsOf(`alert ${r.alert ?? '(recording rule)'}`, r.expr, labels);
    });
    expect(problems).toEqual([]);
  });

  it('the error codes the alerts match are codes of the error registry', () => {
    const codes = Object.keys(errorCodes);
    for (const rule of rules) {
      for (const [, pattern] of rule.expr.matchAll(/code=~"([^"]+)"/g)) {
        for (const alternative of pattern!.split('|')) {
          expect(codes.some((c) => new RegExp(`^(?:${alternative})$`).test(c)), `${rule.alert}: ${alternative}`).toBe(true);
        }
      }
    }
  });
});

describe('the dashboard', () => {
  it('shows every vendor and gateway metric of the catalog', () => {
    const shown = new Set(targets.flatMap(({ target }) => promqlReferences(target.expr).selectors.map((s) => resolve(s.metric)?.metric)));
    const missing = Object.values(metricCatalog)
      .map((spec) => spec.name)
      .filter((name) => !shown.has(name));
    expect(missing).toEqual([]);
    // And the processes: CPU, memory, event-loop lag.
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']) expect(shown).toContain(name);
  });

  it('is a Grafana 10/11 dashboard on a ${datasource} Prometheus variable, with service and vendor variables', () => {
    expect(dashboard.uid).toBe('mobile-graph');
    expect(dashboard.title).toBe(DASHBOARD_TITLE);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.schemaVersion).toBeLessThanOrEqual(41);
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['service', 'vendor']) expect(variables.get(name)).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
    for (const panel of panels) {
      expect(panel.datasource, `panel "${panel.title}"`).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets ?? []) expect(target.datasource, `panel "${panel.title}"`).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it('draws breaker states as closed / half-open / open', () => {
    const breakerPanels = panels.filter((p) => p.targets?.some((t) => /breaker_state/.test(t.expr)));
    expect(breakerPanels.length).toBeGreaterThanOrEqual(2);
    for (const panel of breakerPanels) {
      const options = panel.fieldConfig?.defaults?.mappings?.find((m) => m.type === 'value')?.options ?? {};
      expect(options[String(BREAKER_STATE_VALUE.closed)]?.text, panel.title).toBe('closed');
      expect(options[String(BREAKER_STATE_VALUE.halfOpen)]?.text, panel.title).toBe('half-open');
      expect(options[String(BREAKER_STATE_VALUE.open)]?.text, panel.title).toBe('open');
    }
  });
});

describe('the alert rules', () => {
  it('has each alert, with a for, a severity, a summary, a description that leads to the dashboard, and a runbook section', () => {
    const operations = read('docs/operations.md');
    const titles = new Set([DASHBOARD_TITLE, ...panels.map((p) => p.title)]);
    for (const name of ALERTS) {
      const rule = alerts.get(name);
      expect(rule, `alert ${name} is missing from deploy/prometheus/alerts.yml`).toBeDefined();
      expect(rule!.for, name).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], name).toContain(rule!.labels?.severity);
      expect(rule!.annotations?.summary, name).toBeTruthy();
      const description = rule!.annotations?.description ?? '';
      expect(description, name).toContain(`"${DASHBOARD_TITLE}"`);
      // Every panel it sends the on-call to exists.
      for (const [, quoted] of description.matchAll(/"([^"]+)"/g)) expect(titles, `${name} names a panel "${quoted}" the dashboard lacks`).toContain(quoted);
      expect(rule!.annotations?.runbook, name).toBe(`docs/operations.md#${name.toLowerCase()}`);
      expect(operations, `docs/operations.md has no section "### ${name}"`).toMatch(new RegExp(`^### ${name}$`, 'm'));
    }
  });
});

describe('the scrape config and the observability profile', () => {
  const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { image?: string; profiles?: string[]; ports?: string[]; volumes?: string[] }>;
  };
  const prometheusText = read('deploy/prometheus/prometheus.yml');

  it('scrapes every service of the registry by its compose name, the gateway on its METRICS_PORT', () => {
    // The one check of the registry against the scrape jobs: the wiring check's (npm run wiring:check).
    expect(checkScrapeConfig({ ...readWiringInput(), prometheus: prometheusText })).toEqual([]);
    expect((parseYaml(prometheusText) as { rule_files: string[] }).rule_files).toEqual(['alerts.yml']);
  });

  it('runs Prometheus and Grafana in the observability profile, pinned, read-only, on loopback only', () => {
    const expected = { prometheus: { image: /^prom\/prometheus:v\d+\.\d+\.\d+$/, port: '127.0.0.1:9090:9090' }, grafana: { image: /^grafana\/grafana-oss:\d+\.\d+\.\d+$/, port: '127.0.0.1:3000:3000' } };
    for (const [name, { image, port }] of Object.entries(expected)) {
      const service = compose.services[name];
      expect(service, `docker-compose.yml has no service ${name}`).toBeDefined();
      expect(service!.profiles).toEqual(['observability']);
      expect(service!.image).toMatch(image);
      expect(service!.ports).toEqual([port]);
      const mounts = (service!.volumes ?? []).filter((v) => v.startsWith('./deploy/'));
      expect(mounts.length, name).toBeGreaterThan(0);
      for (const mount of mounts) expect(mount, name).toMatch(/:ro$/);
    }
  });
});

// ── promtool: Prometheus' own parser and rule evaluator ───────────────────────────────────────
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = promtool.error === undefined && promtool.status === 0;
const skipNote = hasPromtool ? '' : ' [skipped: promtool is not on PATH; apt-get install prometheus]';
if (!hasPromtool) console.warn('promtool is not on PATH: the promtool checks of deploy/prometheus (check rules, test rules, check config, dashboard PromQL) are skipped; apt-get install prometheus');

function runPromtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe.skipIf(!hasPromtool)(`promtool${skipNote}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'operator-kit-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`check config deploy/prometheus/prometheus.yml, and check rules of the rule file it loads, deploy/prometheus/alerts.yml${skipNote}`, () => {
    // One run: check config also checks each of its rule_files, as check rules would.
    const result = runPromtool('check', 'config', 'deploy/prometheus/prometheus.yml');
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`Checking deploy/prometheus/alerts.yml\n  SUCCESS: ${rules.length} rules found`);
  });

  it(`test rules deploy/prometheus/alerts.test.yml: each alert fires when it should, and only then${skipNote}`, () => {
    const result = runPromtool('test', 'rules', 'deploy/prometheus/alerts.test.yml');
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
    // Each alert has a case where it fires.
    const tests = parseYaml(read('deploy/prometheus/alerts.test.yml')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const name of ALERTS) expect(cases.some((c) => c.alertname === name && c.exp_alerts.length > 0), `no test where ${name} fires`).toBe(true);
  });

  it(`every dashboard query is valid PromQL${skipNote}`, () => {
    // As recording rules, so that promtool's parser reads each one (Grafana's variables filled in).
    const recorded = targets.map(({ panel, target }) => ({ record: `dashboard:panel_${panel.id}_${target.refId}`, expr: withoutGrafanaVariables(target.expr) }));
    const file = join(dir, 'dashboard-queries.yml');
    writeFileSync(file, stringifyYaml({ groups: [{ name: 'dashboard', rules: recorded }] }));
    const result = runPromtool('check', 'rules', file);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${recorded.length} rules found`);
  });
});
