import { readdirSync, readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addSubgraphUrl, addToKubernetes, addToKubernetesReadme, addToNetworkPolicies, addToSandbox, K8S, kubernetesFiles, kubernetesNameClashes, sandboxPortName } from './editKubernetes.js';
import { namesOf } from './names.js';
import { planSubgraph } from './planSubgraph.js';

// A fixed registry, so that these tests do not change when a team adds a subgraph.
const registry = {
  subgraphs: [
    { name: 'catalog', port: 4001, vendor: 'commerce', owns: 'Product' },
    { name: 'reviews', port: 4002, vendor: 'reviews', owns: 'Product.rating' },
    { name: 'accounts', port: 4003, vendor: 'identity', owns: 'User' },
    { name: 'payments', port: 4004, vendor: 'payments', owns: 'Order' },
    { name: 'notifications', port: 4005, vendor: 'fcm', owns: 'Device' },
  ],
  vendors: [
    { name: 'commerce', port: 4101, brand: 'ShopCore', defaultKey: 'sandbox-commerce-key' },
    { name: 'apns', port: 4106, brand: 'Orchard', defaultKey: 'sandbox-apns-key' },
  ],
  gatewayPort: 4000,
};
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const names = namesOf('gift-cards');
// Ports no generated subgraph takes soon, so that these tests also pass in a copy the generator ran in.
const add = { subgraph: names, port: 4096, vendor: names, vendorPort: 4196, subgraphPorts: registry.subgraphs.map((s) => s.port) };
const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: unknown });
type Container = { command: string[] } & Record<string, unknown>;
type DeploymentObject = { spec: { template: { spec: { containers: Container[] } } } };

describe('the Kubernetes manifests of a new subgraph', () => {
  const plan = planSubgraph({ name: 'gift-cards' }, registry, () => false);

  it('base/<name>.yaml is catalog.yaml with the name, settings prefix and port swapped, run from the compiled entry', () => {
    const generated = objects(plan.files.get('deploy/k8s/base/gift-cards.yaml')!);
    const catalog = objects(read('deploy/k8s/base/catalog.yaml'));
    const swapped = JSON.parse(JSON.stringify(catalog).replace(/catalog/g, 'gift-cards').replace(/CATALOG/g, 'GIFT_CARDS').replace(/\b4001\b/g, String(plan.subgraph.port))) as typeof catalog;
    const commands = (list: typeof catalog) => list.filter((o) => o.kind === 'Deployment').map((o) => (o as unknown as DeploymentObject).spec.template.spec.containers.map((c) => c.command));
    expect(commands(generated)).toEqual([[['node', 'dist/subgraphs/gift-cards/main.js']]]);
    expect(generated).toEqual(swapped);
    expect(generated.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/gift-cards', 'Service/gift-cards', 'PodDisruptionBudget/gift-cards']);
  });

  it('its ConfigMap holds what catalog-config holds, its placeholder Secret the vendor key, placeholders only', () => {
    const base = parse(addToKubernetes(read, add).get(`${K8S}/base/kustomization.yaml`)!) as { resources: string[]; configMapGenerator: { name: string; literals: string[] }[] };
    const literals = (name: string) => base.configMapGenerator.find((g) => g.name === name)!.literals;
    expect(literals('gift-cards-config')).toEqual(literals('catalog-config').map((l) => l.replace(/^CATALOG_/, 'GIFT_CARDS_')));
    expect(base.resources).toContain('gift-cards.yaml');
    expect(base.resources.indexOf('gift-cards.yaml')).toBeLessThan(base.resources.indexOf('network-policies.yaml'));
    const secret = plan.files.get('deploy/k8s/overlays/dev/placeholders/gift-cards-secrets.env')!;
    expect(secret.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['GIFT_CARDS_VENDOR_KEY=PLACEHOLDER-dev-only-gift-cards-key']);
  });

  it('edits every file by its structure and keeps the rest byte for byte: only added lines, the same after a second run', () => {
    const once = addToKubernetes(read, add);
    expect([...once.keys()].sort()).toEqual([...kubernetesFiles].sort());
    for (const [path, text] of once) {
      const before = read(path).split('\n');
      const after = text.split('\n');
      // Every line that was there is still there, in order (SUBGRAPH_URLS grows in place).
      let i = 0;
      for (const line of after) if (i < before.length && (line === before[i] || (before[i]!.includes('SUBGRAPH_URLS=') && line.startsWith(before[i]!)))) i++;
      expect(i, `${path} kept every line`).toBe(before.length);
    }
    const twice = addToKubernetes((path) => once.get(path) ?? read(path), add);
    for (const [path, text] of twice) expect(text, `${path}, second run`).toBe(once.get(path));
  });

  it('lets the gateway and Prometheus reach it, and leaves the rules of one subgraph (webhooks, events) alone', () => {
    const policies = objects(addToNetworkPolicies(read(`${K8S}/base/network-policies.yaml`), add)) as unknown as { metadata: { name: string }; spec: { ingress?: { ports: { port: number }[] }[] } }[];
    const reach = Object.fromEntries(policies.map((p) => [p.metadata.name, (p.spec.ingress ?? []).flatMap((r) => r.ports.map((x) => x.port)).includes(add.port)]));
    expect(reach).toMatchObject({ 'subgraphs-from-gateway': true, 'metrics-from-prometheus': true, 'payments-webhooks-from-ingress': false, 'notifications-events-from-producers': false });
    expect(() => addToNetworkPolicies(read(`${K8S}/base/network-policies.yaml`), { ...add, subgraphPorts: [4001, 4999] })).toThrow(/no NetworkPolicy rule lets anyone reach every subgraph's port .*add it by hand/);
  });

  it('the sandbox serves the vendor with the subgraph\'s key; a vendor name too long for a port name gets one that fits', () => {
    type Sandbox = { kind: string; spec: { template?: { spec: { containers: { env: { name: string }[]; ports: { name: string; containerPort: number }[] }[] } }; ports?: { name: string; port: number; targetPort: string }[] } };
    const docs = objects(addToSandbox(read(`${K8S}/overlays/dev/sandbox.yaml`), add)) as unknown as Sandbox[];
    const container = docs.find((d) => d.kind === 'Deployment')!.spec.template!.spec.containers[0]!;
    expect(container.env).toContainEqual({ name: 'SANDBOX_GIFT_CARDS_KEY', valueFrom: { secretKeyRef: { name: 'gift-cards-secrets', key: 'GIFT_CARDS_VENDOR_KEY' } } });
    expect(container.ports.at(-1)).toEqual({ name: 'gift-cards', containerPort: 4196 });
    expect(docs.find((d) => d.kind === 'Service')!.spec.ports!.at(-1)).toEqual({ name: 'gift-cards', port: 4196, targetPort: 'gift-cards' });
    expect(() => addToSandbox(read(`${K8S}/overlays/dev/sandbox.yaml`), { ...add, vendorPort: 4101 })).toThrow(/port 4101 is already the sandbox's "commerce"; fix it by hand/);
    const long = namesOf('enterprise-loyalty-points');
    expect(sandboxPortName(long, 4107)).toBe('vendor-4107');
    expect(sandboxPortName(names, 4107)).toBe('gift-cards');
  });

  it('SUBGRAPH_URLS: added wherever it is set (literal, quoted, env), kept when already right, refused when it routes elsewhere', () => {
    const literal = 'configMapGenerator:\n  - name: gateway-config\n    literals:\n      - "SUBGRAPH_URLS=a=http://a:1/graphql"\n';
    expect(addSubgraphUrl(literal, 'k.yaml', 'gift-cards', 'http://gift-cards:4006/graphql')).toEqual({ text: literal.replace('graphql"', 'graphql,gift-cards=http://gift-cards:4006/graphql"'), found: 1 });
    const plainLiteral = literal.replace(/"/g, '');
    expect(addSubgraphUrl(plainLiteral, 'k.yaml', 'gift-cards', 'http://gift-cards:4006/graphql').text).toBe(plainLiteral.replace('graphql\n', 'graphql,gift-cards=http://gift-cards:4006/graphql\n'));
    const env = 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: gateway\n          env:\n            - { name: SUBGRAPH_URLS, value: a=http://a:1/graphql }\n';
    const added = addSubgraphUrl(env, 'g.yaml', 'gift-cards', 'http://gift-cards:4006/graphql');
    expect(added.text).toContain('value: "a=http://a:1/graphql,gift-cards=http://gift-cards:4006/graphql" }');
    expect(addSubgraphUrl(added.text, 'g.yaml', 'gift-cards', 'http://gift-cards:4006/graphql').text).toBe(added.text);
    expect(() => addSubgraphUrl(added.text, 'g.yaml', 'gift-cards', 'http://gift-cards:4999/graphql')).toThrow(/already routes gift-cards to http:\/\/gift-cards:4006\/graphql/);
    expect(addSubgraphUrl('kind: Service\n', 's.yaml', 'x', 'u')).toEqual({ text: 'kind: Service\n', found: 0 });
  });

  it('deploy/k8s/README.md lists the Secret prod expects and the Deployment, like the plain subgraphs\' row', () => {
    const before = read(`${K8S}/README.md`);
    const out = addToKubernetesReadme(before, add);
    expect(out).toContain('\n| `gift-cards-secrets` | `GIFT_CARDS_VENDOR_KEY` | gift-cards |\n');
    expect(out.indexOf('| `gift-cards-secrets` |')).toBeGreaterThan(out.indexOf('| `notifications-secrets` |'));
    const plainRow = before.split('\n').find((l) => /^\| `catalog`.*<name>/.test(l))!;
    const command = plainRow.split('|')[2]!.trim().replace('<name>', 'gift-cards');
    expect(out).toContain(`| \`gift-cards\` | ${command} | 4096 (`);
    expect(out.split('\n').length).toBe(before.split('\n').length + 2);
    expect(addToKubernetesReadme(out, add)).toBe(out);
    expect(() => addToKubernetesReadme('# nothing here\n', add)).toThrow(/no table of "<service>-secrets" Secrets/);
  });

  it('manifests laid out differently stop the generator with what to add by hand', () => {
    const files: Record<string, string> = { [`${K8S}/base/kustomization.yaml`]: 'resources: [gateway.yaml]\n' };
    expect(() => addToKubernetes((path) => files[path] ?? read(path), add)).toThrow(/base\/kustomization\.yaml: a flow sequence/);
    files[`${K8S}/base/kustomization.yaml`] = 'resources:\n  - gateway.yaml\n';
    expect(() => addToKubernetes((path) => files[path] ?? read(path), add)).toThrow(/no configMapGenerator list to add "gift-cards-config" to; add it by hand/);
    expect(() => addToSandbox('kind: Service\nmetadata: { name: sandbox }\n', add)).toThrow(/no Deployment "sandbox"/);
  });

  it('a name deploy/k8s already gives an object (the dev overlay\'s redis, a worker) is found', () => {
    const files = new Map(
      (readdirSync(new URL(`${K8S}/`, root), { recursive: true, encoding: 'utf8' }) as string[]).filter((p) => /\.ya?ml$/.test(p)).map((p) => [`${K8S}/${p}`, read(`${K8S}/${p}`)] as const),
    );
    expect(kubernetesNameClashes(files, 'redis')).toEqual(expect.arrayContaining([`Deployment "redis" in ${K8S}/overlays/dev/redis.yaml`]));
    expect(kubernetesNameClashes(files, 'payments-worker')).toEqual(expect.arrayContaining([`Deployment "payments-worker" in ${K8S}/base/payments.yaml`]));
    expect(kubernetesNameClashes(files, 'gift-cards')).toEqual([]);
    // A Namespace or a NetworkPolicy of that name is no clash: the subgraph makes neither.
    expect(kubernetesNameClashes(new Map([['n.yaml', 'kind: Namespace\nmetadata: { name: gift-cards }\n']]), 'gift-cards')).toEqual([]);
  });
});
