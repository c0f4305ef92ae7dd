/**
 * deploy/k8s, checked offline: every overlay renders (kubectl kustomize), every object is
 * valid against the Kubernetes schemas with no unknown field, and the manifests keep what
 * the services need: one Deployment, Service and PodDisruptionBudget per service of the
 * registry, probes on its port, a grace period above its own, secrets in Secrets only, env
 * names the services read, and network policies that let in only who must get in.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySettings, parseGatewayConfig } from '../../gateway/src/config.js';
import type { Setting } from '../../platform/config/setting.js';
import { envPrefix, gatewayEntry, issuerVendorEntry, sandboxVendorEntry, serviceMemoryMiB, subgraphEntries } from '../../platform/registry/services.js';
import { compiledEntry, imageEntries } from '../../scripts/build/imageEntries.js';
import { RUNTIME_FOLDERS } from '../../scripts/build/runtimeAssets.js';
import { loadSubgraphModules } from '../../subgraphs/loadSubgraphModules.js';
import { parseSandboxConfig } from '../../vendors/config.js';
import { loadSandboxVendors } from '../../vendors/loadSandboxVendors.js';
import { ingressAllowed, type PodRef } from './networkPolicy.js';
import { hasKubectl, renderOverlay, type RenderedObject } from './renderOverlay.js';
import { validateObject } from './validateObject.js';

type Settings = Readonly<Record<string, Setting<unknown>>>;

interface Workload {
  readonly name: string;
  /** The registry entry it runs (the gateway or a subgraph); a worker runs its subgraph's settings. */
  readonly service: string;
  readonly entry: string;
  /** Its readiness path: a worker's only listener serves /metrics and /healthz. */
  readonly readyPath: '/readyz' | '/healthz';
  readonly graceEnv: string;
  readonly kind: 'gateway' | 'subgraph' | 'worker';
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string }; readonly configMapKeyRef?: unknown };
}
interface Container {
  readonly image: string;
  readonly command?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string }; readonly secretRef?: { readonly name: string } }[];
  readonly readinessProbe?: { readonly httpGet?: { readonly path: string; readonly port: number | string } };
  readonly livenessProbe?: { readonly httpGet?: { readonly path: string; readonly port: number | string } };
  readonly lifecycle?: { readonly preStop?: { readonly exec?: { readonly command: readonly string[] } } };
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
  readonly securityContext?: { readonly allowPrivilegeEscalation?: boolean; readonly readOnlyRootFilesystem?: boolean; readonly capabilities?: { readonly drop?: readonly string[] } };
}
interface PodSpec {
  readonly containers: readonly Container[];
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: { readonly runAsNonRoot?: boolean };
  readonly volumes?: readonly { readonly secret?: { readonly secretName: string } }[];
}
interface DeploymentSpec {
  readonly template: { readonly metadata: { readonly labels: Readonly<Record<string, string>> }; readonly spec: PodSpec };
}

const overlays = [
  { name: 'dev', namespace: 'mobile-graph-dev' },
  { name: 'prod', namespace: 'mobile-graph' },
] as const;

const kubectl = hasKubectl();
const skipNote = 'kubectl not found: install kubectl 1.31+ (kustomize v5.5 built in, https://kubernetes.io/docs/tasks/tools/) to check deploy/k8s';
if (!kubectl) console.warn(`test/deploy/kubernetes.test.ts skipped: ${skipNote}`);

const image = imageEntries('.');

/** What runs in every overlay: the image's gateway, subgraphs and workers (a worker runs its subgraph's workers apart, in its own Deployment). */
const workloads: Workload[] = image.flatMap((e): Workload[] => {
  if (e.kind === 'gateway') return [{ name: e.name, service: e.name, entry: e.source, readyPath: '/readyz', graceEnv: 'SHUTDOWN_GRACE_MS', kind: e.kind }];
  if (e.kind !== 'subgraph' && e.kind !== 'worker') return [];
  const service = e.subgraph!;
  return [{ name: e.name, service, entry: e.source, readyPath: e.kind === 'worker' ? '/healthz' : '/readyz', graceEnv: `${envPrefix(service)}_SHUTDOWN_GRACE_MS`, kind: e.kind }];
});

const rendered = new Map<string, RenderedObject[]>();
/** `kubectl kustomize <dir>`, run once per folder for the whole file. */
function overlayObjects(dir: string): RenderedObject[] {
  let objects = rendered.get(dir);
  if (objects === undefined) rendered.set(dir, (objects = renderOverlay(dir)));
  return objects;
}
const overlayDir = (name: string) => `deploy/k8s/overlays/${name}`;

/** Names that hold secrets, whatever a setting says about itself; a path (`_FILE`) or a plain URL is not one. */
const secretLooking = /KEY|SECRET|TOKEN|PASSWORD|PRIVATE/;
const urlWithCredentials = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;

const find = (objects: readonly RenderedObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const deploymentSpec = (o: RenderedObject) => o.spec as DeploymentSpec;
const dataOf = (o: RenderedObject | undefined) => (o?.data ?? {}) as Readonly<Record<string, string>>;
const labelsMatch = (selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The value a container gets for `name`: its own env, else its ConfigMaps (Secrets are not read here). */
function plainEnv(objects: readonly RenderedObject[], c: Container, name: string): string | undefined {
  const direct = c.env?.find((e) => e.name === name);
  if (direct?.value !== undefined) return direct.value;
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef === undefined) continue;
    const value = dataOf(find(objects, 'ConfigMap', from.configMapRef.name))[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Every variable a container is given, with where from; the keys of a Secret not rendered here are unknown. */
function envNames(objects: readonly RenderedObject[], c: Container): string[] {
  const names = (c.env ?? []).map((e) => e.name);
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef !== undefined) names.push(...Object.keys(dataOf(find(objects, 'ConfigMap', from.configMapRef.name))));
    if (from.secretRef !== undefined) names.push(...Object.keys(dataOf(find(objects, 'Secret', from.secretRef.name))));
  }
  return names;
}

const portNumber = (c: Container, port: number | string | undefined) => (typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort);

function decodeSecret(value: string): string {
  const text = Buffer.from(value.replace(/\n/g, ''), 'base64').toString('utf8');
  // Signing secrets are `whsec_` + base64 of the secret itself.
  return text.startsWith('whsec_') ? `${text} ${Buffer.from(text.slice(6), 'base64').toString('utf8')}` : text;
}

describe.skipIf(!kubectl)(`Kubernetes manifests (deploy/k8s)${kubectl ? '' : ` — skipped: ${skipNote}`}`, () => {
  const settingsOf = new Map<string, Settings>();

  beforeAll(async () => {
    for (const overlay of overlays) overlayObjects(overlayDir(overlay.name));
    settingsOf.set(gatewayEntry.name, gatewaySettings);
    for (const module of await loadSubgraphModules()) settingsOf.set(module.name, module.settings);
  });

  it('the strict check refuses a misspelled field and a wrong type that the cluster would drop or refuse', () => {
    const gateway = structuredClone(find(overlayObjects(overlayDir('prod')), 'Deployment', 'gateway')!) as RenderedObject & { spec: { replicas: unknown; template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = gateway.spec.template.spec.containers[0]!;
    container.readinessProbes = container.readinessProbe;
    delete container.readinessProbe;
    expect(validateObject(gateway)).toEqual(['Deployment/gateway: unknown field /spec/template/spec/containers/0/readinessProbes']);
    gateway.spec.replicas = 'two';
    expect(validateObject(gateway)).toContainEqual(expect.stringContaining('spec/replicas must be integer'));
  });

  describe.each(overlays)('overlay $name', ({ name: overlay, namespace }) => {
    const objects = () => overlayObjects(overlayDir(overlay));
    const deployment = (name: string) => {
      const found = find(objects(), 'Deployment', name);
      if (found === undefined) throw new Error(`${overlay}: no Deployment "${name}"`);
      return { object: found, spec: deploymentSpec(found), container: deploymentSpec(found).template.spec.containers[0]! };
    };

    it('renders, and every object is valid against the Kubernetes schemas with no unknown field', () => {
      expect(objects().length).toBeGreaterThan(0);
      expect(objects().flatMap(validateObject)).toEqual([]);
      expect(objects().filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === namespace)).toBe(true);
    });

    it.each(workloads)('$name: Deployment, Service and PodDisruptionBudget, probes on its port, its entry point in the one image', (w) => {
      const { spec, container: c } = deployment(w.name);
      const labels = spec.template.metadata.labels;
      expect(c.command).toEqual(['node', compiledEntry(w.entry)]);
      const images = new Set(objects().filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/part-of'] === 'mobile-graph').map((o) => deploymentSpec(o).template.spec.containers[0]!.image));
      expect([...images]).toEqual([c.image]);

      const registryPort = w.kind === 'gateway' ? gatewayEntry.port : w.kind === 'subgraph' ? subgraphEntries.find((s) => s.name === w.name)!.port : Number(plainEnv(objects(), c, 'METRICS_PORT'));
      expect(registryPort, `${w.name}: the port its probes and Service use`).toBeGreaterThan(0);
      expect(c.readinessProbe?.httpGet?.path).toBe(w.readyPath);
      expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(portNumber(c, c.readinessProbe?.httpGet?.port)).toBe(registryPort);
      expect(portNumber(c, c.livenessProbe?.httpGet?.port)).toBe(registryPort);

      const service = find(objects(), 'Service', w.name);
      expect(service, `${overlay}: Service ${w.name}`).toBeDefined();
      const serviceSpec = service!.spec as { selector: Record<string, string>; ports: { port: number; targetPort: number | string }[] };
      expect(labelsMatch(serviceSpec.selector, labels)).toBe(true);
      expect(serviceSpec.ports.map((p) => portNumber(c, p.targetPort))).toContain(registryPort);

      const pdbs = objects().filter((o) => o.kind === 'PodDisruptionBudget' && labelsMatch((o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, labels));
      expect(pdbs.map((p) => p.metadata.name)).toEqual([w.name]);
    });

    it.each(workloads)('$name: production mode, non-root, read-only root, requests and limits, grace above its own', (w) => {
      const { spec, container: c } = deployment(w.name);
      expect(c.env?.find((e) => e.name === 'NODE_ENV')?.value).toBe('production');
      expect(spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      for (const resource of ['cpu', 'memory']) {
        expect(c.resources?.requests?.[resource], `${w.name} requests.${resource}`).toBeDefined();
        expect(c.resources?.limits?.[resource], `${w.name} limits.${resource}`).toBeDefined();
      }
      // Production's memory is the registry's: npm start and the benches size a service's heap from it outside a container.
      if (overlay === 'prod') expect(c.resources?.limits?.memory).toBe(`${serviceMemoryMiB(w.name)}Mi`);
      const sleep = c.lifecycle?.preStop?.exec?.command;
      expect(sleep?.[0]).toBe('sleep');
      const graceSetting = Object.values(settingsOf.get(w.service)!).find((s) => s.env === w.graceEnv)!;
      const parsed = graceSetting.parse(plainEnv(objects(), c, w.graceEnv));
      if (!parsed.ok) throw new Error(`${w.name}: ${w.graceEnv} is not valid (${parsed.expected})`);
      expect((spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan((parsed.value as number) + Number(sleep?.[1]) * 1000);
    });

    it.each(workloads)('$name: every variable it is given is one its service reads, and every secret comes from a Secret', (w) => {
      const { container: c } = deployment(w.name);
      const settings = Object.values(settingsOf.get(w.service)!);
      const known = new Set(settings.map((s) => s.env));
      expect(envNames(objects(), c).filter((n) => !known.has(n))).toEqual([]);
      // Each plain value as its service parses it at start-up (secrets are not rendered in prod).
      const plain: Record<string, string> = {};
      for (const n of envNames(objects(), c)) {
        const value = plainEnv(objects(), c, n);
        if (value !== undefined) plain[n] = value;
      }
      const refused = settings.flatMap((s) => {
        if (plain[s.env] === undefined) return [];
        const parsed = s.parse(plain[s.env], plain);
        return parsed.ok ? [] : [`${s.env}=${plain[s.env]}: expected ${parsed.expected}`];
      });
      expect(refused).toEqual([]);
      const secretSettings = new Set(settings.filter((s) => s.secret).map((s) => s.env));
      for (const e of c.env ?? []) {
        if (e.value === undefined) continue;
        expect(secretSettings.has(e.name) || (secretLooking.test(e.name) && !/_(FILE|URL)$/.test(e.name)), `${w.name}: ${e.name} set inline`).toBe(false);
      }
      if (overlay === 'dev') {
        // Every Secret is rendered in dev: what production requires must be there, from somewhere.
        const given = new Set(envNames(objects(), c));
        const required = settings.filter((s) => s.defaultText?.includes('required when NODE_ENV=production') || s.defaultText === undefined).map((s) => s.env);
        expect(required.filter((n) => !given.has(n))).toEqual([]);
      }
    });

    it('every container of the image runs an entry point the build produces, with plain node', () => {
      const built = new Map(image.map((e) => [compiledEntry(e.source), e.source]));
      const rendered = objects();
      const containers = rendered
        .filter((o) => o.kind === 'Deployment')
        .flatMap((o) => deploymentSpec(o).template.spec.containers.filter((c) => c.image.split(/[:@]/)[0]!.endsWith('mobile-graph')).map((c) => ({ name: o.metadata.name, container: c })));
      const commands = containers.map(({ name, container }) => ({ name, command: container.command ?? [] }));
      expect(commands.length).toBeGreaterThan(workloads.length - 1);
      const problems = commands.flatMap(({ name, command }) => {
        const [node, entry, ...rest] = command;
        const source = entry === undefined ? undefined : built.get(entry);
        if (node !== 'node' || source === undefined || rest.length > 0) return [`${name}: ${JSON.stringify(command)} is not ["node", "dist/<entry>.js"] for an entry of the image`];
        // Compiled by tsconfig.build.json: a runtime folder's TypeScript file.
        if (!existsSync(source) || !RUNTIME_FOLDERS.some((folder) => source.startsWith(`${folder}/`))) return [`${name}: ${source} is not a runtime source the build compiles`];
        return [];
      });
      expect(problems).toEqual([]);
      // None replaces the image's NODE_OPTIONS (its V8 flags, the registry's SERVICE_NODE_FLAGS).
      expect(containers.filter(({ container }) => envNames(rendered, container).includes('NODE_OPTIONS')).map(({ name }) => name)).toEqual([]);
    });

    it('no ConfigMap holds a secret: no secret-looking key, no setting marked secret, no URL with credentials', () => {
      const secretSettings = new Set([...settingsOf.values()].flatMap((s) => Object.values(s)).filter((s) => s.secret).map((s) => s.env));
      const problems = objects()
        .filter((o) => o.kind === 'ConfigMap')
        .flatMap((o) =>
          Object.entries(dataOf(o)).flatMap(([key, value]) => {
            const found: string[] = [];
            if (secretSettings.has(key)) found.push(`${o.metadata.name}: ${key} is a secret setting`);
            if (/^(DATABASE_URL|REDIS_URL)$/.test(key)) found.push(`${o.metadata.name}: ${key} carries credentials`);
            if (secretLooking.test(key) && !/_(FILE|URL)$/.test(key)) found.push(`${o.metadata.name}: ${key} looks like a secret`);
            if (urlWithCredentials.test(value)) found.push(`${o.metadata.name}: ${key} is a URL with credentials`);
            return found;
          }),
        );
      expect(problems).toEqual([]);
    });

    it('Secrets: only placeholders in dev, none at all in prod (they exist in the cluster, listed in deploy/k8s/README.md)', () => {
      const secrets = objects().filter((o) => o.kind === 'Secret');
      if (overlay === 'prod') {
        expect(secrets).toEqual([]);
        const readme = readFileSync('deploy/k8s/README.md', 'utf8');
        const devSecrets = overlayObjects(overlayDir('dev')).filter((o) => o.kind === 'Secret');
        const referenced = new Set<string>();
        for (const d of objects().filter((o) => o.kind === 'Deployment')) {
          const pod = deploymentSpec(d).template.spec;
          for (const c of pod.containers) {
            for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
            for (const f of c.envFrom ?? []) if (f.secretRef) referenced.add(f.secretRef.name);
          }
          for (const v of pod.volumes ?? []) if (v.secret) referenced.add(v.secret.secretName);
        }
        const undocumented: string[] = [];
        for (const name of referenced) {
          if (!readme.includes(`\`${name}\``)) undocumented.push(name);
          // Its keys: those the dev overlay generates for the same Secret.
          const dev = devSecrets.find((s) => s.metadata.name.replace(/-[a-z0-9]{10}$/, '') === name);
          for (const key of Object.keys(dataOf(dev))) if (!readme.includes(`\`${key}\``)) undocumented.push(`${name}/${key}`);
        }
        expect(undocumented).toEqual([]);
        return;
      }
      expect(secrets.length).toBeGreaterThan(0);
      const real = secrets.flatMap((s) =>
        Object.entries(dataOf(s))
          .filter(([, value]) => {
            const text = decodeSecret(value);
            return !/placeholder/i.test(text) && !(/^[a-z]+:\/\//.test(text) && !urlWithCredentials.test(text));
          })
          .map(([key]) => `${s.metadata.name}/${key}`),
      );
      expect(real).toEqual([]);
    });

    it('network policies: only the gateway, the producers of events, the vendor\'s webhooks and Prometheus get in', () => {
      const pod = (name: string): PodRef => ({ namespace, labels: deploymentSpec(find(objects(), 'Deployment', name)!).template.metadata.labels });
      const ingressController: PodRef = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
      const prometheus: PodRef = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
      const strangerHere: PodRef = { namespace, labels: { 'app.kubernetes.io/name': 'debug' } };
      const strangerElsewhere: PodRef = { namespace: 'default', labels: { 'app.kubernetes.io/name': 'gateway' } };
      // In dev the payment vendor is the sandbox, in the cluster.
      const sandbox = find(objects(), 'Deployment', 'sandbox');
      const vendors: Record<string, PodRef> = sandbox ? { 'ingress-nginx': ingressController, sandbox: pod('sandbox') } : { 'ingress-nginx': ingressController };
      const sources: Record<string, PodRef> = {
        ...Object.fromEntries(workloads.map((w) => [w.name, pod(w.name)])),
        ...vendors,
        prometheus,
        'stranger-here': strangerHere,
        'stranger-elsewhere': strangerElsewhere,
      };
      const allowedTo = (to: string, port: number) => Object.keys(sources).filter((from) => ingressAllowed(objects(), sources[from]!, pod(to), port)).sort();

      expect(allowedTo('gateway', gatewayEntry.port)).toEqual(['ingress-nginx']);
      expect(allowedTo('gateway', Number(plainEnv(objects(), deployment('gateway').container, 'METRICS_PORT')))).toEqual(['prometheus']);
      for (const s of subgraphEntries) {
        const producers = subgraphEntries.filter((p) => p.emitsTo === s.name && s.eventsPath !== undefined).flatMap((p) => workloads.filter((w) => w.service === p.name).map((w) => w.name));
        const expected = ['gateway', 'prometheus', ...producers, ...(s.webhookPath !== undefined ? Object.keys(vendors) : [])].sort();
        expect(allowedTo(s.name, s.port), `who reaches ${s.name}:${s.port}`).toEqual(expected);
      }
      for (const w of workloads.filter((x) => x.kind === 'worker')) {
        expect(allowedTo(w.name, Number(plainEnv(objects(), deployment(w.name).container, 'METRICS_PORT')))).toEqual(['prometheus']);
      }
    });

    it('the public Ingress routes /graphql to the gateway and each webhook path to its subgraph, nothing else', () => {
      interface IngressSpec {
        tls?: unknown[];
        rules: { http: { paths: { path: string; pathType: string; backend: { service: { name: string } } }[] } }[];
      }
      const routes = objects()
        .filter((o) => o.kind === 'Ingress')
        .flatMap((o) => {
          const spec = o.spec as IngressSpec;
          expect(spec.tls?.length, `${o.metadata.name}: TLS at the ingress`).toBeGreaterThan(0);
          return spec.rules.flatMap((r) => r.http.paths.map((p) => `${p.backend.service.name} ${p.pathType} ${p.path}`));
        })
        .sort();
      const expected = [`gateway Exact /graphql`, ...subgraphEntries.filter((s) => s.webhookPath !== undefined).map((s) => `${s.name} Exact ${s.webhookPath!}`)].sort();
      expect(routes).toEqual(expected);
    });

    it('the gateway scales on an autoscaling/v2 HorizontalPodAutoscaler', () => {
      const hpas = objects().filter((o) => o.kind === 'HorizontalPodAutoscaler');
      // The autoscaler owns the count: replicas in the Deployment would be reset by every apply.
      expect((deployment('gateway').object.spec as { replicas?: number }).replicas).toBeUndefined();
      expect(hpas.map((h) => [h.apiVersion, (h.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef])).toEqual([
        ['autoscaling/v2', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' }],
      ]);
    });
  });
});

/** Where a container's variable comes from: an inline value, or a key of a ConfigMap or Secret (by its rendered name). */
type Source = { readonly from: 'value'; readonly value: string } | { readonly from: 'ConfigMap' | 'Secret'; readonly name: string; readonly key: string };

function sourceOf(objects: readonly RenderedObject[], c: Container, name: string): Source | undefined {
  const direct = c.env?.find((e) => e.name === name);
  if (direct?.value !== undefined) return { from: 'value', value: direct.value };
  const ref = direct?.valueFrom as { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } | undefined;
  if (ref?.secretKeyRef) return { from: 'Secret', ...ref.secretKeyRef };
  if (ref?.configMapKeyRef) return { from: 'ConfigMap', ...ref.configMapKeyRef };
  for (const from of [...(c.envFrom ?? [])].reverse()) {
    const [kind, refName] = from.configMapRef ? (['ConfigMap', from.configMapRef.name] as const) : (['Secret', from.secretRef!.name] as const);
    if (dataOf(find(objects, kind, refName))[name] !== undefined) return { from: kind, name: refName, key: name };
  }
  return undefined;
}

/** A container's whole environment as its process gets it (Secrets decoded). */
function resolvedEnv(objects: readonly RenderedObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  const names = new Set([...(c.env ?? []).map((e) => e.name), ...envNames(objects, c)]);
  for (const name of names) {
    const source = sourceOf(objects, c, name);
    if (source === undefined) continue;
    if (source.from === 'value') env[name] = source.value;
    else {
      const raw = dataOf(find(objects, source.from, source.name))[source.key];
      if (raw !== undefined) env[name] = source.from === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    }
  }
  return env;
}

interface Mounted {
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}
/** The Secret mounted at the folder of `path` in a pod, and the file's name in it. */
function secretFileOf(spec: PodSpec, c: Container, path: string): { secret: string; file: string } | undefined {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const mount = (c as Container & Mounted).volumeMounts?.find((m) => m.mountPath === dir);
  const volume = (spec.volumes as readonly { name: string; secret?: { secretName: string } }[] | undefined)?.find((v) => v.name === mount?.name);
  return volume?.secret === undefined ? undefined : { secret: volume.secret.secretName, file: path.slice(dir.length + 1) };
}

/**
 * The dev overlay as a developer applies it: what must agree across services does by
 * construction (the same Secret key, ConfigMap key or mounted file), and once
 * `npm run keys:env -- --k8s-dev <dir>` has made the overlay of real dev secrets, every service
 * (the sandbox too) accepts its environment in production mode with those secrets agreeing.
 */
describe.skipIf(!kubectl)('the dev overlay: the issuer and the secrets agree across services', () => {
  let tmp: string;
  let committed: RenderedObject[];
  let local: RenderedObject[];
  const containerOf = (objects: readonly RenderedObject[], name: string) => {
    const d = find(objects, 'Deployment', name);
    if (d === undefined) throw new Error(`no Deployment "${name}"`);
    return { spec: deploymentSpec(d).template.spec, c: deploymentSpec(d).template.spec.containers[0]! };
  };

  beforeAll(() => {
    // Where the README says, beside overlays/dev (a git-ignored sibling of the documented
    // dev-local, so that a developer's own is never touched): Kustomize refuses an overlay inside
    // the folder it builds on, and only the real layout shows the path it is given works.
    tmp = mkdtempSync('deploy/k8s/overlays/dev-local-test-');
    committed = overlayObjects(overlayDir('dev'));
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generateComposeEnv.ts', '--k8s-dev', join(tmp, 'local')], { encoding: 'utf8', timeout: 60_000 });
    expect(made.status, made.stderr).toBe(0);
    local = renderOverlay(join(tmp, 'local'));
  }, 90_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("the gateway's AUTH_ISSUER is the sandbox's SANDBOX_IDENTITY_ISSUER, its keys and accounts' vendor there", () => {
    for (const objects of [committed, local]) {
      const sandbox = containerOf(objects, 'sandbox').c;
      const gateway = containerOf(objects, gatewayEntry.name).c;
      const issuer = plainEnv(objects, sandbox, 'SANDBOX_IDENTITY_ISSUER');
      expect(issuer).toBe(`http://sandbox:${sandboxVendorEntry(issuerVendorEntry()!.name).port}`);
      expect(plainEnv(objects, gateway, 'AUTH_ISSUER')).toBe(issuer);
      expect(plainEnv(objects, gateway, 'AUTH_JWKS_URL')).toBe(`${issuer}/.well-known/jwks.json`);
      expect(plainEnv(objects, containerOf(objects, 'accounts').c, 'ACCOUNTS_VENDOR_URL')).toBe(issuer);
    }
  });

  it('what must agree comes from the same Secret key, ConfigMap key or mounted file', () => {
    for (const objects of [committed, local]) {
      const same = (a: [string, string], b: [string, string]) => {
        const left = sourceOf(objects, containerOf(objects, a[0]).c, a[1]);
        const right = sourceOf(objects, containerOf(objects, b[0]).c, b[1]);
        expect(left, `${a.join(' ')}`).toBeDefined();
        expect(left?.from, `${a.join(' ')}`).not.toBe('value');
        expect(right, `${a.join(' ')} and ${b.join(' ')}`).toEqual(left);
      };
      // The sandbox holds what each service presents or verifies.
      same(['sandbox', 'SANDBOX_ACCOUNTS_CLIENT_SECRET'], ['accounts', 'ACCOUNTS_OAUTH_CLIENT_SECRET']);
      same(['sandbox', 'SANDBOX_PAYMENTS_WEBHOOK_SECRET'], ['payments', 'PAYMENTS_WEBHOOK_SECRETS']);
      same(['sandbox', 'SANDBOX_PAYMENTS_WEBHOOK_SECRET'], ['payments-worker', 'PAYMENTS_WEBHOOK_SECRETS']);
      same(['sandbox', 'SANDBOX_COMMERCE_KEY'], ['catalog', 'CATALOG_VENDOR_KEY']);
      same(['sandbox', 'SANDBOX_REVIEWS_KEY'], ['reviews', 'REVIEWS_VENDOR_KEY']);
      same(['sandbox', 'SANDBOX_IDENTITY_KEY'], ['accounts', 'ACCOUNTS_VENDOR_KEY']);
      same(['sandbox', 'SANDBOX_PAYMENTS_KEY'], ['payments', 'PAYMENTS_VENDOR_KEY']);
      for (const n of ['notifications', 'notifications-worker']) {
        same(['sandbox', 'SANDBOX_APNS_KEY'], [n, 'NOTIFICATIONS_APNS_KEY']);
        same(['sandbox', 'SANDBOX_APNS_TEAM_ID'], [n, 'NOTIFICATIONS_APNS_TEAM_ID']);
      }
      // The gateway's identity pair: one Secret.
      const identity = sourceOf(objects, containerOf(objects, gatewayEntry.name).c, 'GATEWAY_IDENTITY_PRIVATE_KEY');
      for (const w of workloads.filter((x) => x.kind !== 'gateway')) {
        expect(sourceOf(objects, containerOf(objects, w.name).c, 'GATEWAY_IDENTITY_JWKS'), w.name).toEqual({ ...identity, key: 'GATEWAY_IDENTITY_JWKS' });
      }
      // The push credentials: the file notifications signs with is the one the sandbox trusts.
      const sandbox = containerOf(objects, 'sandbox');
      for (const n of ['notifications', 'notifications-worker']) {
        const pod = containerOf(objects, n);
        for (const [ours, theirs] of [['SANDBOX_FCM_SERVICE_ACCOUNT_FILE', 'NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE'], ['SANDBOX_APNS_KEY_FILE', 'NOTIFICATIONS_APNS_KEY_FILE']] as const) {
          const trusted = secretFileOf(sandbox.spec, sandbox.c, plainEnv(objects, sandbox.c, ours) ?? '');
          expect(trusted, `sandbox ${ours}`).toBeDefined();
          expect(secretFileOf(pod.spec, pod.c, plainEnv(objects, pod.c, theirs) ?? ''), `${n} ${theirs}`).toEqual(trusted);
          expect(Object.keys(dataOf(find(objects, 'Secret', trusted!.secret)))).toContain(trusted!.file);
        }
      }
    }
  });

  it('keys:env --k8s-dev: every placeholder replaced, and every service and the sandbox accept their environment in production with the secrets agreeing', async () => {
    const placeholders = local.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap').flatMap((o) =>
      Object.entries(dataOf(o))
        .filter(([, v]) => /placeholder/i.test(o.kind === 'Secret' ? decodeSecret(v) : v))
        .map(([k]) => `${o.metadata.name}/${k}`),
    );
    expect(placeholders).toEqual([]);
    expect(plainEnv(local, containerOf(local, 'notifications').c, 'NOTIFICATIONS_APNS_TEAM_ID')).not.toBe('PLACEHOLD0');
    // The same objects as the committed overlay, only other Secrets (and names with other hashes).
    const shape = (objects: readonly RenderedObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort();
    expect(shape(local)).toEqual(shape(committed));
    expect(local.flatMap(validateObject)).toEqual([]);

    const modules = await loadSubgraphModules();
    const configs: Record<string, Record<string, unknown>> = {};
    for (const w of workloads) {
      const env = resolvedEnv(local, containerOf(local, w.name).c);
      expect(env.NODE_ENV, w.name).toBe('production');
      configs[w.name] = (w.kind === 'gateway' ? parseGatewayConfig(env) : modules.find((m) => m.name === w.service)!.parseConfig(env)) as Record<string, unknown>;
    }
    // The sandbox reads the push credential files: here, the Secret's files in a folder of this test.
    const sandbox = containerOf(local, 'sandbox');
    const sandboxEnv = resolvedEnv(local, sandbox.c);
    const pushDir = join(tmp, 'push');
    mkdirSync(pushDir);
    const mountedAt = (path: string) => {
      const file = secretFileOf(sandbox.spec, sandbox.c, path)!;
      writeFileSync(join(pushDir, file.file), Buffer.from(dataOf(find(local, 'Secret', file.secret))[file.file]!, 'base64'));
      return join(pushDir, file.file);
    };
    const vendors = await loadSandboxVendors();
    const sandboxConfig = parseSandboxConfig(
      { ...sandboxEnv, SANDBOX_FCM_SERVICE_ACCOUNT_FILE: mountedAt(sandboxEnv.SANDBOX_FCM_SERVICE_ACCOUNT_FILE!), SANDBOX_APNS_KEY_FILE: mountedAt(sandboxEnv.SANDBOX_APNS_KEY_FILE!) },
      vendors,
    );

    const { gateway, reviews, payments, accounts, notifications } = configs as Record<string, Record<string, unknown>>;
    // Identity: the JWKS every subgraph verifies with is the gateway's key's public half.
    const privateJwk = JSON.parse(String(gateway!.identityPrivateKey)) as { x: string; y: string };
    for (const w of workloads.filter((x) => x.kind !== 'gateway')) {
      const jwks = JSON.parse(String(configs[w.name]!.identityJwks)) as { keys: { x: string; y: string }[] };
      expect(jwks.keys.map((k) => [k.x, k.y]), w.name).toContainEqual([privateJwk.x, privateJwk.y]);
    }
    expect(notifications!.eventsSecrets).toEqual(expect.arrayContaining([reviews!.eventsSecret, payments!.eventsSecret]));
    expect(configs['notifications-worker']!.eventsSecrets).toEqual(notifications!.eventsSecrets);
    expect(payments!.webhookSecrets).toEqual([sandboxConfig['payments.webhookSecret']]);
    expect(accounts!.oauthClientSecret).toBe(sandboxConfig['identity.accountsClientSecret']);
    expect(resolvedEnv(local, containerOf(local, 'payments').c).PAYMENTS_COMMERCE_KEY).toBe(sandboxConfig['commerce.key']);
    // Push: the sandbox trusts the account and key notifications signs with, under the same ids.
    const account = JSON.parse(readFileSync(join(pushDir, 'fcm-service-account.json'), 'utf8')) as { private_key_id: string; private_key: string; client_email: string };
    expect(sandboxConfig['fcm.serviceAccount']).toMatchObject({ private_key_id: account.private_key_id, private_key: account.private_key, client_email: account.client_email });
    expect([sandboxConfig['apns.key'], sandboxConfig['apns.teamId']]).toEqual([notifications!.apnsKeyId, notifications!.apnsTeamId]);
    expect(sandboxConfig['apns.publicKeyPem']).toBe(createPublicKey(readFileSync(join(pushDir, 'apns-auth-key.p8'), 'utf8')).export({ type: 'spki', format: 'pem' }).toString());
  }, 90_000);

  it('keys:env --k8s-dev refuses a folder inside overlays/dev, which Kustomize would refuse as a cycle', () => {
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generateComposeEnv.ts', '--k8s-dev', 'deploy/k8s/overlays/dev/local'], { encoding: 'utf8', timeout: 60_000 });
    expect(made.status).toBe(1);
    expect(made.stderr).toContain('deploy/k8s/overlays/dev-local');
    expect(existsSync('deploy/k8s/overlays/dev/local')).toBe(false);
  }, 60_000);

  it('the folder keys:env --k8s-dev is documented with is git-ignored', () => {
    const ignored = spawnSync('git', ['check-ignore', '-q', 'deploy/k8s/overlays/dev-local/gateway-identity.env'], { encoding: 'utf8' });
    expect(ignored.status).toBe(0);
    expect(readFileSync('deploy/k8s/README.md', 'utf8')).toContain('npm run keys:env -- --k8s-dev deploy/k8s/overlays/dev-local');
  });
});
