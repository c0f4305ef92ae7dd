import { isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import type { Names } from './names.js';
import { insertIntoSeq, objectDoc, parseDocs, replaceScalar, seqAt, type Docs } from './yamlSource.js';

export interface KubernetesAddition {
  readonly subgraph: Names;
  readonly port: number;
  readonly vendor: Names;
  readonly vendorPort: number;
  /** The ports of the subgraphs already in the registry: whoever may reach all of them may reach the new one. */
  readonly subgraphPorts: readonly number[];
}

export const K8S = 'deploy/k8s';
const BASE = `${K8S}/base/kustomization.yaml`;
const GATEWAY = `${K8S}/base/gateway.yaml`;
const POLICIES = `${K8S}/base/network-policies.yaml`;
const DEV = `${K8S}/overlays/dev/kustomization.yaml`;
const SANDBOX = `${K8S}/overlays/dev/sandbox.yaml`;
const PROD = `${K8S}/overlays/prod/kustomization.yaml`;
const README = `${K8S}/README.md`;

/** The files `addToKubernetes` edits (each is read and written whole). */
export const kubernetesFiles = [BASE, GATEWAY, POLICIES, DEV, SANDBOX, PROD, README] as const;

const byHand = (what: string) => `${what}; add it by hand, as for catalog (deploy/k8s/README.md)`;
const str = (value: unknown) => (isScalar(value) ? String(value.value) : undefined);

/** The name of a sandbox port: an IANA service name (at most 15 characters), the vendor's when it fits. */
export const sandboxPortName = (vendor: Names, port: number) => (vendor.name.length <= 15 ? vendor.name : `vendor-${port}`);

/** The item of a sequence of maps whose `name` is `name`. */
const named = (seq: { items: unknown[] } | undefined, name: string) => seq?.items.find((item): item is YAMLMap => isMap(item) && item.get('name') === name);

/** The block-sequence lines of a `configMapGenerator` / `secretGenerator` entry. */
function generatorEntry(name: string, behavior: 'merge' | undefined, key: 'literals' | 'envs', values: readonly string[], comments: Readonly<Record<string, string>> = {}): string[] {
  return [
    `- name: ${name}`,
    ...(behavior ? [`  behavior: ${behavior}`] : []),
    `  ${key}:`,
    ...values.flatMap((v) => [...(comments[v] ? [`    # ${comments[v]}`] : []), `    - ${v}`]),
  ];
}

/** `text` with a generator entry appended (or after `after`), unless one of that name is there already. */
function addGeneratorEntry(text: string, file: string, generator: 'configMapGenerator' | 'secretGenerator', lines: readonly string[], name: string, after?: (items: unknown[]) => unknown): string {
  const doc = parseDocs(text, file)[0]!;
  const seq = seqAt(doc, [generator]);
  if (seq === undefined) throw new Error(byHand(`${file}: no ${generator} list to add "${name}" to`));
  if (named(seq, name) !== undefined) return text;
  return insertIntoSeq(text, seq, lines, file, after?.(seq.items));
}

/** Every SUBGRAPH_URLS value a file sets: a generator's literal `SUBGRAPH_URLS=…`, or a container's env. */
function subgraphUrlNodes(docs: Docs): { node: unknown; value: string; literal: boolean }[] {
  const found: { node: unknown; value: string; literal: boolean }[] = [];
  for (const doc of docs) {
    for (const generator of ['configMapGenerator', 'secretGenerator']) {
      for (const entry of seqAt(doc, [generator])?.items ?? []) {
        if (!isMap(entry)) continue;
        const literals = entry.get('literals', true);
        if (!isSeq(literals)) continue;
        for (const item of literals.items) {
          const value = str(item);
          if (value?.startsWith('SUBGRAPH_URLS=')) found.push({ node: item, value: value.slice('SUBGRAPH_URLS='.length), literal: true });
        }
      }
    }
    if (doc.get('kind') === 'Deployment') {
      for (const container of seqAt(doc, ['spec', 'template', 'spec', 'containers'])?.items ?? []) {
        if (!isMap(container)) continue;
        const env = container.get('env', true);
        const item = isSeq(env) ? named(env, 'SUBGRAPH_URLS') : undefined;
        const value = item?.get('value', true);
        if (isScalar(value)) found.push({ node: value, value: String(value.value), literal: false });
      }
    }
  }
  return found;
}

function readsBack(text: string, file: string, index: number, value: string): boolean {
  try {
    return subgraphUrlNodes(parseDocs(text, file))[index]?.value === value;
  } catch {
    return false;
  }
}

/**
 * `text` with `<name>=<url>` added to every SUBGRAPH_URLS it sets, and how many it sets. One that
 * already routes the name to that URL is left; one that routes it elsewhere stops the generator.
 */
export function addSubgraphUrl(text: string, file: string, name: string, url: string): { text: string; found: number } {
  let out = text;
  const count = subgraphUrlNodes(parseDocs(text, file)).length;
  // One at a time, parsing again after each edit: offsets move.
  for (let i = 0; i < count; i++) {
    const { node, value, literal } = subgraphUrlNodes(parseDocs(out, file))[i]!;
    const routes = new Map(value.split(',').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const));
    const existing = routes.get(name);
    if (existing === url) continue;
    if (existing !== undefined) throw new Error(`${file}: SUBGRAPH_URLS already routes ${name} to ${existing}, expected ${url}; fix it by hand`);
    const next = `${value},${name}=${url}`;
    const source = literal ? `SUBGRAPH_URLS=${next}` : next;
    // Plain as it was, unless that would not read back (a `,` inside a flow map ends a plain scalar).
    const plain = isScalar(node) && node.type === 'PLAIN' ? replaceScalar(out, node, source, file) : undefined;
    out = plain !== undefined && readsBack(plain, file, i, next) ? plain : replaceScalar(out, node, JSON.stringify(source), file);
  }
  for (const { value } of subgraphUrlNodes(parseDocs(out, file))) {
    if (!value.split(',').includes(`${name}=${url}`)) throw new Error(byHand(`${file}: adding ${name} to SUBGRAPH_URLS did not come out as expected`));
  }
  return { text: out, found: count };
}

/** base/kustomization.yaml: the subgraph's manifest among the resources, and its ConfigMap (plain settings only). */
export function addToBaseKustomization(text: string, add: KubernetesAddition): string {
  const { name, prefix } = add.subgraph;
  const file = `${name}.yaml`;
  let out = text;
  const resources = seqAt(parseDocs(out, BASE)[0]!, ['resources']);
  if (resources === undefined) throw new Error(byHand(`${BASE}: no resources list to add ${file} to`));
  if (!resources.items.some((item) => str(item) === file)) {
    // Before the network policies (the subgraphs come before them), else last.
    const policies = resources.items.findIndex((item) => str(item) === 'network-policies.yaml');
    out = insertIntoSeq(out, resources, [`- ${file}`], BASE, policies > 0 ? resources.items[policies - 1] : undefined);
  }
  const literals = [`${prefix}_HOST=0.0.0.0`, `${prefix}_INTROSPECTION=false`, `${prefix}_SHUTDOWN_GRACE_MS=10000`, 'LOG_LEVEL=info'];
  out = addGeneratorEntry(out, BASE, 'configMapGenerator', generatorEntry(`${name}-config`, undefined, 'literals', literals, {
    [`${prefix}_INTROSPECTION=false`]: 'The gateway composes from the committed supergraph, never by introspection.',
  }), `${name}-config`);
  return out;
}

/**
 * base/network-policies.yaml: every ingress rule that lets a peer reach every subgraph's port
 * (the gateway's GraphQL, Prometheus's /metrics) gets the new port too. Rules that reach only
 * some subgraphs (webhooks, events) are theirs alone and stay as they are.
 */
export function addToNetworkPolicies(text: string, add: KubernetesAddition): string {
  const locate = (source: string) => {
    const rules: { doc: Document.Parsed; rule: number; ports: number[] }[] = [];
    for (const doc of parseDocs(source, POLICIES)) {
      if (doc.get('kind') !== 'NetworkPolicy') continue;
      (seqAt(doc, ['spec', 'ingress'])?.items ?? []).forEach((_, rule) => {
        const ports = seqAt(doc, ['spec', 'ingress', rule, 'ports']);
        const numbers = (ports?.items ?? []).map((p) => (isMap(p) ? Number(str(p.get('port', true))) : NaN));
        rules.push({ doc, rule, ports: numbers });
      });
    }
    return rules.filter((r) => add.subgraphPorts.length > 0 && add.subgraphPorts.every((p) => r.ports.includes(p)));
  };
  const targets = locate(text);
  if (targets.length === 0) throw new Error(byHand(`${POLICIES}: no NetworkPolicy rule lets anyone reach every subgraph's port (${add.subgraphPorts.join(', ')}) to let reach ${add.subgraph.name}:${add.port}`));
  let out = text;
  for (let i = 0; i < targets.length; i++) {
    const target = locate(out)[i]!;
    if (target.ports.includes(add.port)) continue;
    const ports = seqAt(target.doc, ['spec', 'ingress', target.rule, 'ports'])!;
    out = insertIntoSeq(out, ports, [`- { protocol: TCP, port: ${add.port} }`], POLICIES);
  }
  const reached = locate(out);
  if (reached.length !== targets.length || !reached.every((r) => r.ports.includes(add.port))) {
    throw new Error(byHand(`${POLICIES}: letting the gateway and Prometheus reach ${add.subgraph.name} did not come out as expected`));
  }
  return out;
}

/** overlays/dev/kustomization.yaml: the subgraph calls the sandbox's twin of its vendor, with a placeholder key. */
export function addToDevOverlay(text: string, add: KubernetesAddition): string {
  const { name, prefix } = add.subgraph;
  let out = addGeneratorEntry(text, DEV, 'configMapGenerator', generatorEntry(`${name}-config`, 'merge', 'literals', [`${prefix}_VENDOR_URL=http://sandbox:${add.vendorPort}`]), `${name}-config`);
  // With the other services' Secrets (after the last `<service>-secrets`), else last.
  out = addGeneratorEntry(out, DEV, 'secretGenerator', [`- name: ${name}-secrets`, `  envs: [placeholders/${name}-secrets.env]`], `${name}-secrets`, (items) =>
    items.filter((item) => isMap(item) && String(item.get('name')).endsWith('-secrets') && item.has('envs')).at(-1),
  );
  return out;
}

/** overlays/prod/kustomization.yaml: the vendor's production URL, a stand-in under example.com like the others'. */
export function addToProdOverlay(text: string, add: KubernetesAddition): string {
  const { name, prefix } = add.subgraph;
  return addGeneratorEntry(text, PROD, 'configMapGenerator', generatorEntry(`${name}-config`, 'merge', 'literals', [`${prefix}_VENDOR_URL=https://api.${add.vendor.name}.example.com`]), `${name}-config`);
}

/** overlays/dev/sandbox.yaml: the sandbox serves the new vendor on its port, with the key the subgraph holds. */
export function addToSandbox(text: string, add: KubernetesAddition): string {
  const { name, prefix } = add.subgraph;
  const env = `SANDBOX_${add.vendor.prefix}_KEY`;
  const portName = sandboxPortName(add.vendor, add.vendorPort);
  const container = (docs: Docs) => {
    const deployment = objectDoc(docs, 'Deployment', 'sandbox');
    const containers = deployment && seqAt(deployment, ['spec', 'template', 'spec', 'containers']);
    const index = containers?.items.findIndex((c) => isMap(c) && c.get('name') === 'sandbox') ?? -1;
    if (deployment === undefined || index < 0) throw new Error(byHand(`${SANDBOX}: no Deployment "sandbox" with a container "sandbox" to serve the ${add.vendor.name} vendor`));
    return { doc: deployment, path: ['spec', 'template', 'spec', 'containers', index] };
  };
  const servicePorts = (docs: Docs) => {
    const service = objectDoc(docs, 'Service', 'sandbox');
    const ports = service && seqAt(service, ['spec', 'ports']);
    if (ports === undefined) throw new Error(byHand(`${SANDBOX}: no Service "sandbox" with ports to add ${add.vendorPort} to`));
    return ports;
  };
  // Already served under this name: left as it is; under another: stop rather than guess.
  const hasPort = (seq: { items: unknown[] } | undefined, key: string) => {
    const found = (seq?.items ?? []).find((p): p is YAMLMap => isMap(p) && Number(str(p.get(key, true))) === add.vendorPort);
    if (found !== undefined && str(found.get('name', true)) !== portName) throw new Error(`${SANDBOX}: port ${add.vendorPort} is already the sandbox's "${str(found.get('name', true))}"; fix it by hand`);
    return found !== undefined;
  };

  let out = text;
  let c = container(parseDocs(out, SANDBOX));
  const envSeq = seqAt(c.doc, [...c.path, 'env']);
  if (envSeq === undefined) throw new Error(byHand(`${SANDBOX}: the sandbox container has no env list for ${env}`));
  if (named(envSeq, env) === undefined) {
    const lastKey = envSeq.items.filter((item) => isMap(item) && /^SANDBOX_[A-Z0-9_]+_KEY$/.test(String(item.get('name')))).at(-1);
    out = insertIntoSeq(out, envSeq, [`- name: ${env}`, `  valueFrom: { secretKeyRef: { name: ${name}-secrets, key: ${prefix}_VENDOR_KEY } }`], SANDBOX, lastKey);
  }
  c = container(parseDocs(out, SANDBOX));
  const ports = seqAt(c.doc, [...c.path, 'ports']);
  if (ports === undefined) throw new Error(byHand(`${SANDBOX}: the sandbox container has no ports list for ${add.vendorPort}`));
  if (!hasPort(ports, 'containerPort')) out = insertIntoSeq(out, ports, [`- { name: ${portName}, containerPort: ${add.vendorPort} }`], SANDBOX);
  const service = servicePorts(parseDocs(out, SANDBOX));
  if (!hasPort(service, 'port')) out = insertIntoSeq(out, service, [`- { name: ${portName}, port: ${add.vendorPort}, targetPort: ${portName} }`], SANDBOX);

  const docs = parseDocs(out, SANDBOX);
  c = container(docs);
  const given = named(seqAt(c.doc, [...c.path, 'env']), env)?.toJSON() as unknown;
  if (
    JSON.stringify(given) !== JSON.stringify({ name: env, valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: `${prefix}_VENDOR_KEY` } } }) ||
    !hasPort(seqAt(c.doc, [...c.path, 'ports']), 'containerPort') ||
    !hasPort(servicePorts(docs), 'port')
  ) {
    throw new Error(byHand(`${SANDBOX}: serving the ${add.vendor.name} vendor on ${add.vendorPort} did not come out as expected`));
  }
  return out;
}

/** deploy/k8s/README.md: the Secret prod expects in the cluster, in the table of them. */
export function addToKubernetesReadme(text: string, add: KubernetesAddition): string {
  const { name, prefix } = add.subgraph;
  const lines = text.split('\n');
  const row = (l: string) => /^\| `[a-z0-9-]+-secrets` \|/.test(l);
  if (lines.some((l) => l.startsWith(`| \`${name}-secrets\` |`))) return text;
  const last = lines.reduce((found, l, i) => (row(l) ? i : found), -1);
  if (last < 0) throw new Error(byHand(`${README}: no table of "<service>-secrets" Secrets to list ${name}-secrets in`));
  lines.splice(last + 1, 0, `| \`${name}-secrets\` | \`${prefix}_VENDOR_KEY\` | ${name} |`);
  return addToWhatRuns(lines, add).join('\n');
}

/**
 * The table of what runs: a row for the subgraph after the table's last, written like the row
 * of the plain subgraphs (the one whose command reads `<name>`). A table without that row is
 * left as it is: it documents, the Secrets table is what prod's check reads.
 */
function addToWhatRuns(lines: string[], add: KubernetesAddition): string[] {
  const { name } = add.subgraph;
  const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
  const plain = lines.findIndex((l) => l.startsWith('|') && cells(l)[1]?.includes('<name>') === true);
  if (plain < 0 || lines.some((l) => l.startsWith(`| \`${name}\` |`))) return lines;
  const [, command, port] = cells(lines[plain]!);
  let last = plain;
  while (lines[last + 1]?.startsWith('|')) last++;
  const row = `| \`${name}\` | ${command!.replace('<name>', name)} | ${port!.replace(/^\d+(–\d+)?/, String(add.port))} | made by \`npm run new:subgraph\` |`;
  return [...lines.slice(0, last + 1), row, ...lines.slice(last + 1)];
}

/**
 * Every edit of deploy/k8s for a new subgraph (its own manifest and placeholder Secret are new
 * files, from the templates): path → new content. `read` gives a file's current content.
 */
export function addToKubernetes(read: (path: string) => string, add: KubernetesAddition): Map<string, string> {
  const { name } = add.subgraph;
  const url = `http://${name}:${add.port}/graphql`;
  const out = new Map<string, string>([
    [BASE, addToBaseKustomization(read(BASE), add)],
    [POLICIES, addToNetworkPolicies(read(POLICIES), add)],
    [DEV, addToDevOverlay(read(DEV), add)],
    [SANDBOX, addToSandbox(read(SANDBOX), add)],
    [PROD, addToProdOverlay(read(PROD), add)],
    [README, addToKubernetesReadme(read(README), add)],
  ]);
  // The gateway's routes, wherever the manifests set them (the base's ConfigMap, an overlay's merge, an env).
  let routes = 0;
  for (const path of [BASE, GATEWAY, DEV, PROD]) {
    const result = addSubgraphUrl(out.get(path) ?? read(path), path, name, url);
    routes += result.found;
    out.set(path, result.text);
  }
  if (routes === 0) throw new Error(byHand(`deploy/k8s: no SUBGRAPH_URLS for the gateway (in ${BASE}, ${GATEWAY} or an overlay) to add ${name}=${url} to`));
  return out;
}

const SUBGRAPH_KINDS = ['Deployment', 'Service', 'PodDisruptionBudget'];

/**
 * The objects deploy/k8s already has under the name the new subgraph's Deployment, Service and
 * PodDisruptionBudget would take (the dev overlay's redis, a worker's Deployment, …):
 * "<kind> "<name>" in <file>" for each. `files` is every YAML file of deploy/k8s, path → text.
 */
export function kubernetesNameClashes(files: ReadonlyMap<string, string>, name: string): string[] {
  const clashes: string[] = [];
  for (const [path, text] of files) {
    for (const doc of parseDocs(text, path)) {
      const kind = doc.get('kind');
      if (typeof kind === 'string' && SUBGRAPH_KINDS.includes(kind) && doc.getIn(['metadata', 'name']) === name) clashes.push(`${kind} "${name}" in ${path}`);
    }
  }
  return clashes;
}
