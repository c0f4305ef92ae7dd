import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { parse as parseYaml } from 'yaml';
import {
  gatewayEntry,
  issuerVendorEntry,
  SANDBOX_ENTRY,
  sandboxVendorEnv,
  sandboxVendorPaths,
  subgraphEnv,
  subgraphEventsEnv,
  subgraphPaths,
  subgraphReadsEnv,
  type SandboxVendorEntry,
  type SubgraphEntry,
} from '../platform/registry/services.js';
import { compiledEntry } from './build/imageEntries.js';

/** Everything the wiring check compares, read beforehand (readWiringInput) so that the check itself is pure. */
export interface WiringInput {
  /** The registry (platform/registry/services.ts). */
  readonly subgraphs: readonly SubgraphEntry[];
  readonly vendors: readonly SandboxVendorEntry[];
  /** Names of the folders `subgraphs/<name>/` that hold a schema.graphql (kit excluded). */
  readonly subgraphFolders: readonly string[];
  /** Whether a project-relative file exists. */
  readonly exists: (path: string) => boolean;
  /** docker-compose.yml's text. */
  readonly compose: string;
  /** schema/supergraph.graphql's text. */
  readonly supergraph: string;
  /** The Dockerfile's text: the one image every service runs from. */
  readonly dockerfile: string;
}

const REGISTRY = 'platform/registry/services.ts';
const COMPOSE = 'docker-compose.yml';
const SUPERGRAPH = 'schema/supergraph.graphql';
const PROMETHEUS = 'deploy/prometheus/prometheus.yml';

/** The routing URL composed into the supergraph for a registry subgraph (as schema/subgraphs.ts makes it). */
const supergraphUrl = (s: SubgraphEntry) => `http://localhost:${s.port}/graphql`;
/** How the gateway container reaches a subgraph container. */
const composeUrl = (s: SubgraphEntry) => `http://${s.name}:${s.port}/graphql`;

/**
 * Every place that must name each service agrees with the registry: the folders, each
 * service's conventional files, docker-compose.yml (a service per subgraph, the gateway's
 * SUBGRAPH_URLS and depends_on, each subgraph's vendor URL, the sandbox's vendor keys) and
 * the supergraph's list of subgraphs. Returns every problem (empty when all agree).
 */
export function checkWiring(input: WiringInput): string[] {
  return [...checkFolders(input), ...checkCompose(input), ...checkSupergraph(input), ...checkDockerfile(input)];
}

function checkFolders({ subgraphs, vendors, subgraphFolders, exists }: WiringInput): string[] {
  const problems: string[] = [];
  const registered = new Set(subgraphs.map((s) => s.name));
  for (const folder of subgraphFolders) {
    if (!registered.has(folder)) problems.push(`subgraphs/${folder}/ has a schema.graphql but "${folder}" is not a subgraph in ${REGISTRY}`);
  }
  for (const s of subgraphs) {
    const paths = subgraphPaths(s.name);
    for (const file of [paths.entry, paths.module, paths.schema, paths.readme]) {
      if (!exists(file)) problems.push(`subgraph "${s.name}": ${file} is missing`);
    }
    if (!vendors.some((v) => v.name === s.vendor)) problems.push(`subgraph "${s.name}": its vendor "${s.vendor}" is not a sandbox vendor in ${REGISTRY}`);
  }
  for (const v of vendors) {
    const file = sandboxVendorPaths(v.name).module;
    if (!exists(file)) problems.push(`sandbox vendor "${v.name}": ${file} is missing`);
  }
  return problems;
}

interface ComposeService {
  readonly command?: unknown;
  readonly environment?: unknown;
  readonly depends_on?: unknown;
}

/** docker-compose.yml's services; throws the problem to report when it does not parse. */
function composeServices(compose: string): Record<string, ComposeService> {
  try {
    return (parseYaml(compose, { merge: true }) as { services?: Record<string, ComposeService> } | null)?.services ?? {};
  } catch (err) {
    throw new Error(`${COMPOSE}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
}

function checkCompose({ subgraphs, vendors, compose }: WiringInput): string[] {
  let services: Record<string, ComposeService>;
  try {
    services = composeServices(compose);
  } catch (err) {
    return [(err as Error).message];
  }
  const problems: string[] = [];
  const registered = new Map(subgraphs.map((s) => [s.name, s]));

  for (const s of subgraphs) {
    const service = services[s.name];
    if (service === undefined) {
      problems.push(`${COMPOSE}: no service "${s.name}" for subgraph "${s.name}"`);
      continue;
    }
    const entry = subgraphPaths(s.name).entry;
    if (!runsEntry(service, entry)) problems.push(`${COMPOSE}: service "${s.name}" does not run ${compiledEntry(entry)} (or ${entry})`);
    const vendor = vendors.find((v) => v.name === s.vendor);
    const variable = subgraphEnv(s.name).vendorUrl;
    const url = valueOf(environmentOf(service)[variable]);
    const expected = vendor ? `http://sandbox:${vendor.port}` : undefined;
    if (expected !== undefined && !sameOrigin(url, expected)) {
      problems.push(`${COMPOSE}: service "${s.name}": ${variable} is ${url === undefined ? 'unset' : `"${url}"`}, expected ${expected} (the sandbox's ${s.vendor} vendor)`);
    }
    // The other vendors it reads (prices, a second push service), at the sandbox too.
    for (const other of s.reads ?? []) {
      const read = vendors.find((v) => v.name === other);
      const readVariable = subgraphReadsEnv(s.name, other).url;
      const readUrl = valueOf(environmentOf(service)[readVariable]);
      const readExpected = read ? `http://sandbox:${read.port}` : undefined;
      if (readExpected !== undefined && !sameOrigin(readUrl, readExpected)) {
        problems.push(`${COMPOSE}: service "${s.name}": ${readVariable} is ${readUrl === undefined ? 'unset' : `"${readUrl}"`}, expected ${readExpected} (the sandbox's ${other} vendor)`);
      }
    }
    // A producer delivers its events to its consumer's container, at the consumer's eventsPath.
    const consumer = s.emitsTo === undefined ? undefined : registered.get(s.emitsTo);
    if (s.emitsTo !== undefined && consumer === undefined) problems.push(`${REGISTRY}: subgraph "${s.name}" emits to "${s.emitsTo}", which is not a subgraph`);
    if (consumer !== undefined) {
      const eventsVariable = subgraphEventsEnv(s.name).url;
      const eventsUrl = valueOf(environmentOf(service)[eventsVariable]);
      const eventsExpected = `http://${consumer.name}:${consumer.port}${consumer.eventsPath ?? '/events'}`;
      if (eventsUrl !== eventsExpected) {
        problems.push(`${COMPOSE}: service "${s.name}": ${eventsVariable} is ${eventsUrl === undefined ? 'unset' : `"${eventsUrl}"`}, expected ${eventsExpected} (its events' consumer)`);
      }
    }
  }
  // A service that runs a subgraph's entry the registry does not know is a subgraph nobody composes.
  for (const [name, service] of Object.entries(services)) {
    const runs = /subgraphs\/([a-z0-9-]+)\/main\.[jt]s/.exec(commandOf(service).join(' '))?.[1];
    if (runs !== undefined && !registered.has(runs)) problems.push(`${COMPOSE}: service "${name}" runs subgraph "${runs}", which is not in ${REGISTRY}`);
  }

  const gateway = services.gateway;
  if (gateway === undefined) {
    problems.push(`${COMPOSE}: no service "gateway"`);
  } else {
    if (!runsEntry(gateway, gatewayEntry.entry)) problems.push(`${COMPOSE}: service "gateway" does not run ${compiledEntry(gatewayEntry.entry)} (or ${gatewayEntry.entry})`);
    const urls = valueOf(environmentOf(gateway).SUBGRAPH_URLS) ?? '';
    const listed = new Map(
      urls
        .split(',')
        .map((pair) => pair.trim())
        .filter((pair) => pair !== '')
        .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()] as const),
    );
    for (const s of subgraphs) {
      const url = listed.get(s.name);
      if (url === undefined) problems.push(`${COMPOSE}: gateway SUBGRAPH_URLS lacks subgraph "${s.name}" (expected ${s.name}=${composeUrl(s)})`);
      else if (url !== composeUrl(s)) problems.push(`${COMPOSE}: gateway SUBGRAPH_URLS has ${s.name}=${url}, expected ${s.name}=${composeUrl(s)}`);
    }
    for (const name of listed.keys()) {
      if (!registered.has(name)) problems.push(`${COMPOSE}: gateway SUBGRAPH_URLS names "${name}", which is not a subgraph in ${REGISTRY}`);
    }
    const dependsOn = dependenciesOf(gateway);
    for (const s of subgraphs) {
      if (!dependsOn.includes(s.name)) problems.push(`${COMPOSE}: gateway depends_on lacks subgraph "${s.name}"`);
    }
  }

  const sandbox = services.sandbox;
  if (sandbox === undefined) {
    problems.push(`${COMPOSE}: no service "sandbox"`);
  } else {
    if (!runsEntry(sandbox, SANDBOX_ENTRY)) problems.push(`${COMPOSE}: service "sandbox" does not run ${compiledEntry(SANDBOX_ENTRY)} (or ${SANDBOX_ENTRY})`);
    const env = environmentOf(sandbox);
    for (const v of vendors) {
      const key = sandboxVendorEnv(v.name).key;
      if (!(key in env)) problems.push(`${COMPOSE}: service "sandbox" lacks ${key} (the key of sandbox vendor "${v.name}")`);
    }
    // The sandbox listens on 0.0.0.0: unless told its public URL, its tokens name an issuer no one expects.
    const issuerVendor = issuerVendorEntry();
    if (issuerVendor !== undefined && gateway !== undefined) {
      const issuer = valueOf(env[ISSUER_ENV]);
      const expected = `http://sandbox:${issuerVendor.port}`;
      const authIssuer = valueOf(environmentOf(gateway).AUTH_ISSUER);
      if (issuer !== expected) problems.push(`${COMPOSE}: service "sandbox": ${ISSUER_ENV} is ${issuer === undefined ? 'unset' : `"${issuer}"`}, expected ${expected} (the URL other containers reach its ${issuerVendor.name} vendor at)`);
      if (authIssuer !== issuer) {
        problems.push(`${COMPOSE}: gateway AUTH_ISSUER is ${authIssuer === undefined ? 'unset' : `"${authIssuer}"`}, but the sandbox's tokens say ${ISSUER_ENV}=${issuer ?? '(its own URL)'}: every signed-in request would be refused`);
      }
    }
  }
  return problems;
}

function checkSupergraph({ subgraphs, supergraph }: WiringInput): string[] {
  let graphs: Map<string, string | undefined>;
  try {
    graphs = joinGraphs(supergraph);
  } catch (err) {
    return [`${SUPERGRAPH}: cannot read its join__Graph enum (${(err as Error).message})`];
  }
  const problems: string[] = [];
  for (const s of subgraphs) {
    if (!graphs.has(s.name)) problems.push(`${SUPERGRAPH}: lacks subgraph "${s.name}" (run npm run compose)`);
    else if (graphs.get(s.name) !== supergraphUrl(s)) problems.push(`${SUPERGRAPH}: subgraph "${s.name}" has url ${String(graphs.get(s.name))}, expected ${supergraphUrl(s)} (run npm run compose)`);
  }
  for (const name of graphs.keys()) {
    if (!subgraphs.some((s) => s.name === name)) problems.push(`${SUPERGRAPH}: has subgraph "${name}", which is not in ${REGISTRY} (run npm run compose)`);
  }
  return problems;
}

/** `join__Graph` values of a supergraph: subgraph name → routing url. */
function joinGraphs(supergraph: string): Map<string, string | undefined> {
  const enumNode = parse(supergraph).definitions.find(
    (d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (enumNode === undefined) throw new Error('no enum join__Graph');
  const graphs = new Map<string, string | undefined>();
  for (const value of enumNode.values ?? []) {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const arg = (name: string) => {
      const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
      return node?.kind === Kind.STRING ? node.value : undefined;
    };
    graphs.set(arg('name') ?? value.name.value.toLowerCase(), arg('url'));
  }
  return graphs;
}

/** What the scrape-config check compares: the registry, docker-compose.yml and Prometheus' scrape config. */
export interface ScrapeConfigInput {
  readonly subgraphs: readonly SubgraphEntry[];
  /** docker-compose.yml's text. */
  readonly compose: string;
  /** deploy/prometheus/prometheus.yml's text. */
  readonly prometheus: string;
}

/**
 * Prometheus scrapes every service of the registry where docker-compose.yml runs it: a job
 * named after the service, with the one target `<compose name>:<port>` (a subgraph serves
 * GET /metrics on its own port, the gateway only on its METRICS_PORT). A service without a job
 * is invisible to every dashboard and alert; a job whose host is no compose service is a
 * target that is down forever (ScrapeTargetDown). Returns every problem, each with its fix.
 */
export function checkScrapeConfig({ subgraphs, compose, prometheus }: ScrapeConfigInput): string[] {
  let services: Record<string, ComposeService>;
  let jobs: Map<string, string[]>;
  try {
    services = composeServices(compose);
  } catch (err) {
    return [(err as Error).message];
  }
  try {
    jobs = new Map(scrapeJobsOf(parseYaml(prometheus)).map((job) => [job.name, job.targets]));
  } catch (err) {
    return [`${PROMETHEUS}: ${(err as Error).message.split('\n')[0]}`];
  }
  const problems: string[] = [];
  const expectJob = (name: string, what: string, target: string) => {
    const targets = jobs.get(name);
    if (targets === undefined) {
      problems.push(`${PROMETHEUS}: no scrape job "${name}" for ${what}; add one after the others: - job_name: ${name} / static_configs: - targets: ["${target}"]`);
    } else if (targets.length !== 1 || targets[0] !== target) {
      problems.push(`${PROMETHEUS}: job "${name}" scrapes ${JSON.stringify(targets)}, expected ["${target}"] (${what})`);
    }
  };

  const gateway = services[gatewayEntry.name];
  const metricsPort = gateway === undefined ? undefined : valueOf(environmentOf(gateway).METRICS_PORT);
  if (gateway !== undefined && metricsPort === undefined) {
    problems.push(`${COMPOSE}: service "${gatewayEntry.name}" sets no METRICS_PORT, so Prometheus has no port to scrape it on (the gateway serves /metrics only there); set METRICS_PORT: 9464`);
  } else if (metricsPort !== undefined) {
    expectJob(gatewayEntry.name, `the gateway, on its METRICS_PORT in ${COMPOSE}`, `${gatewayEntry.name}:${metricsPort}`);
  }
  for (const s of subgraphs) expectJob(s.name, `subgraph "${s.name}", on its port`, `${s.name}:${s.port}`);

  for (const [name, targets] of jobs) {
    for (const target of targets) {
      const host = target.slice(0, target.lastIndexOf(':') < 0 ? target.length : target.lastIndexOf(':'));
      if (services[host] === undefined) problems.push(`${PROMETHEUS}: job "${name}" scrapes ${target}, but ${COMPOSE} has no service "${host}"; remove the job or fix its target`);
    }
  }
  return problems;
}

/**
 * A parsed Prometheus config's `scrape_configs`: each job's name and targets, in the file's
 * order. A static target is `host:port`; a DNS-discovered one (`dns_sd_configs` of type A, how
 * every replica of `docker-compose up --scale` is found) counts as `<name>:<port>` too.
 */
export function scrapeJobsOf(config: unknown): { name: string; targets: string[] }[] {
  const configs = (config as { scrape_configs?: unknown } | null)?.scrape_configs;
  if (!Array.isArray(configs)) throw new Error('has no scrape_configs list');
  type Job = {
    job_name?: unknown;
    static_configs?: readonly { targets?: readonly unknown[] }[];
    dns_sd_configs?: readonly { names?: readonly unknown[]; port?: unknown }[];
  };
  return (configs as Job[]).map((c) => ({
    name: String(c.job_name),
    targets: [
      ...(c.static_configs ?? []).flatMap((s) => (s.targets ?? []).map(String)),
      ...(c.dns_sd_configs ?? []).flatMap((d) => (d.names ?? []).map((n) => `${String(n)}:${String(d.port)}`)),
    ],
  }));
}

/** The sandbox identity vendor's public issuer URL (vendors/identity/sandbox.ts). */
const ISSUER_ENV = 'SANDBOX_IDENTITY_ISSUER';

/** Runs the entry point compiled (the image) or through tsx (a service the generator added before it knew the image). */
function runsEntry(service: ComposeService, entry: string): boolean {
  const command = commandOf(service);
  return command.includes(compiledEntry(entry)) || command.includes(entry);
}

function commandOf(service: ComposeService): string[] {
  const command = service.command;
  if (Array.isArray(command)) return command.map(String);
  return typeof command === 'string' ? command.split(/\s+/) : [];
}

/** `environment:` as a map, whether written as a map or as a list of `KEY=value`. */
function environmentOf(service: ComposeService): Record<string, unknown> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map(String).map((item) => (item.includes('=') ? [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)] : [item, undefined])));
  }
  return typeof env === 'object' && env !== null ? (env as Record<string, unknown>) : {};
}

function dependenciesOf(service: ComposeService): string[] {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return deps.map(String);
  return typeof deps === 'object' && deps !== null ? Object.keys(deps) : [];
}

/** A compose value with `${VAR:-default}` (or `${VAR-default}`) read as its default: what runs when .env does not override it. */
function valueOf(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw);
  const interpolated = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/.exec(text);
  return interpolated ? interpolated[1] : text;
}

function sameOrigin(url: string | undefined, expected: string): boolean {
  if (url === undefined) return false;
  try {
    return new URL(url).origin === new URL(expected).origin;
  } catch {
    return false;
  }
}

/**
 * The image holds every top-level folder a service runs from: the folders of the registry's
 * entry points, `platform/` (which every service imports) and `schema/` (the supergraph).
 * A folder left out builds fine and fails only when a container starts.
 */
function checkDockerfile({ subgraphs, dockerfile }: WiringInput): string[] {
  const copied = new Set<string>();
  for (const line of dockerfile.split('\n')) {
    const match = /^COPY\s+(?:--\S+\s+)*(.+)$/i.exec(line.trim());
    if (!match) continue;
    const sources = match[1]!.split(/\s+/).slice(0, -1);
    for (const source of sources) copied.add(source.replace(/^\.\//, '').replace(/\/$/, '').split('/')[0]!);
  }
  if (copied.has('.')) return [];
  const needed = new Set(['platform', 'schema', 'vendors', gatewayEntry.entry.split('/')[0]!, ...subgraphs.map((s) => subgraphPaths(s.name).dir.split('/')[0]!)]);
  return [...needed].filter((dir) => !copied.has(dir)).map((dir) => `Dockerfile does not COPY ${dir}/, which the services run from`);
}
