/**
 * The one registry of services. `npm start`, the test harness, the docs generator, the
 * sandbox, the leak and secret scanners, the benchmark, the wiring check
 * (docker-compose) and `npm run new:subgraph` all read it; nothing else lists services.
 *
 * An entry holds only what cannot be derived. Everything else follows from the name by
 * convention (see the helpers below): a subgraph `weather` lives in `subgraphs/weather/`
 * (`main.ts`, `subgraph.ts`, `schema.graphql`), reads `WEATHER_*` settings and calls the
 * sandbox vendor it names; a sandbox vendor `forecasts` lives in `vendors/forecasts/`
 * (`sandbox.ts`) and reads `SANDBOX_FORECASTS_*`.
 *
 * Pure data: the gateway and the sandbox may read it without importing any subgraph.
 */

export interface SubgraphEntry {
  /** Its name in the supergraph and in SUBGRAPH_URLS; lower case, `a-z0-9-`. */
  readonly name: string;
  /** Default port (npm start, docker-compose); `<NAME>_PORT` overrides it. */
  readonly port: number;
  /** The sandbox vendor (an entry of `sandboxVendors`) it wraps. */
  readonly vendor: string;
  /** One line for docs and the start banner: what it owns. */
  readonly owns: string;
  /**
   * Where this subgraph receives its vendor's signed webhooks (an HTTP path outside
   * GraphQL). The sandbox vendor delivers there: npm start, the test harness and
   * docker-compose point it at `<subgraph origin><webhookPath>`.
   */
  readonly webhookPath?: string;
  /**
   * Other sandbox vendors it reads from (e.g. the commerce platform's prices), each wired
   * by `<NAME>_<VENDOR>_URL` and `<NAME>_<VENDOR>_KEY` (see `subgraphReadsEnv`).
   */
  readonly reads?: readonly string[];
  /**
   * Where this service receives events from other services (signed as Standard Webhooks with
   * `<NAME>_EVENTS_SECRETS`), e.g. '/events'. Producers name it in `emitsTo`.
   */
  readonly eventsPath?: string;
  /**
   * The service whose `eventsPath` receives the events this one emits, wired by
   * `<NAME>_EVENTS_URL` and signed with `<NAME>_EVENTS_SECRET` (see `subgraphEventsEnv`).
   */
  readonly emitsTo?: string;
}

export interface SandboxVendorEntry {
  /** Lower case, `a-z0-9-`. */
  readonly name: string;
  /** Default port; `SANDBOX_<NAME>_PORT` overrides it. */
  readonly port: number;
  /** The imitated third party's brand: it must never reach a client (the leak scanner looks for it). */
  readonly brand: string;
  /** The sandbox's default API key, which the subgraph holds by default: a secret to scan every response for. */
  readonly defaultKey: string;
  /** Other default secrets of this vendor (client secrets, signing secrets), scanned for too. */
  readonly secrets?: readonly string[];
  /** This vendor is the OAuth 2.0 / OIDC issuer of the app's access tokens (at most one is). */
  readonly issuer?: boolean;
}

export const gatewayEntry = Object.freeze({ name: 'gateway', port: 4000, entry: 'gateway/src/main.ts', portEnv: 'GATEWAY_PORT' });

/**
 * V8 flags every service runs with, wherever it runs: the image's `NODE_OPTIONS` (the
 * Dockerfile, checked against this), `npm start`, `npm run dev` and the benches. V8 sizes
 * the young generation from the machine or the container's memory limit, and each Node
 * line differently: semi-spaces of 64 MiB on Node 24 outside a container on a large
 * machine (about 150 MB more RSS per process than Node 20 there, for no more requests per
 * CPU-second), 4 MiB on Node 20 and 22 in a pod of 1 GiB or less (a third fewer requests
 * per CPU-second for the gateway). Pinned at 16 MiB, a service needs the same memory and
 * CPU on every Node, host and pod.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=16']);

/**
 * The memory a service is given in production, in MiB: its container's limit in
 * deploy/k8s/base and docker-compose.yml (both checked against this). The gateway holds
 * its operation caches and the answers in flight; every other service (the sandbox, each
 * subgraph and its workers) less.
 */
export function serviceMemoryMiB(name: string): number {
  return name === gatewayEntry.name ? 768 : 512;
}

/**
 * `NODE_OPTIONS` for a service started outside a container (`npm start`, `npm run dev`, the
 * benches): the image's flags, then the old generation Node gives it in its container, half
 * of `serviceMemoryMiB` (on 64-bit, Node derives exactly that from a cgroup's limit). Without
 * it, Node sizes the heap from the whole machine, and V8 lets a heap of 2 GiB or more grow to
 * 4× what survived the last full collection (1.3–2× below that); a busy process keeps the
 * pages a collection frees, so its RSS follows the highest its heap has reached (figures in
 * gateway/README.md, "Operation caches"). Flags already set (`existing`) come last, so they win
 * where they overlap.
 */
export function serviceNodeOptions(name: string, existing: string | undefined): string {
  return [...SERVICE_NODE_FLAGS, `--max-old-space-size=${serviceMemoryMiB(name) / 2}`, existing?.trim() ?? ''].filter((f) => f !== '').join(' ');
}

/** The vendor sandbox's entry point: every sandbox vendor in one process. */
export const SANDBOX_ENTRY = 'vendors/main.ts';

/** Every subgraph the gateway composes, in composition order. */
export const subgraphEntries: readonly SubgraphEntry[] = Object.freeze([
  { name: 'catalog', port: 4001, vendor: 'commerce', owns: 'Product (listing, search, lookup)' },
  { name: 'reviews', port: 4002, vendor: 'reviews', owns: 'Product.rating, Product.reviews, Review, addReview', emitsTo: 'notifications' },
  { name: 'accounts', port: 4003, vendor: 'identity', owns: 'User, me, sign-up and sign-in' },
  {
    name: 'payments',
    port: 4004,
    vendor: 'payments',
    owns: 'Order, checkout, myOrders; payment webhooks',
    webhookPath: '/webhooks/payments',
    reads: ['commerce'],
    emitsTo: 'notifications',
  },
  {
    name: 'notifications',
    port: 4005,
    vendor: 'fcm',
    owns: 'Device, notification preferences, myNotifications; pushes on order and review events',
    reads: ['apns'],
    eventsPath: '/events',
  },
  // new:subgraph (npm run new:subgraph adds entries above this line)
]);

/** Every vendor of the sandbox (`vendors/main.ts` runs them all in one process). */
export const sandboxVendorEntries: readonly SandboxVendorEntry[] = Object.freeze([
  { name: 'commerce', port: 4101, brand: 'ShopCore', defaultKey: 'sandbox-commerce-key' },
  { name: 'reviews', port: 4102, brand: 'StarPulse', defaultKey: 'sandbox-reviews-key' },
  {
    name: 'identity',
    port: 4103,
    brand: 'IdentiCo',
    defaultKey: 'sandbox-identity-key',
    secrets: ['sandbox-accounts-client-secret'],
    issuer: true,
  },
  {
    name: 'payments',
    port: 4104,
    brand: 'Paylane',
    defaultKey: 'sandbox-payments-key',
    // The default webhook signing secret (Standard Webhooks: `whsec_` + base64).
    secrets: ['whsec_c2FuZGJveC1wYXlsYW5lLXdlYmhvb2tzLXNlY3JldCE='],
  },
  // Push services (shaped like FCM HTTP v1 and APNs), for the notifications service.
  { name: 'fcm', port: 4105, brand: 'Firecast', defaultKey: 'sandbox-fcm-key' },
  { name: 'apns', port: 4106, brand: 'Orchard', defaultKey: 'sandbox-apns-key' },
  // new:vendor (npm run new:subgraph adds entries above this line)
]);

/**
 * The default secret services sign their events to each other with (Standard Webhooks:
 * `whsec_` + base64), for the sandbox and tests only: production sets `<NAME>_EVENTS_SECRET`
 * on producers and `<NAME>_EVENTS_SECRETS` on consumers. Scanned for in every response.
 */
export const SANDBOX_EVENTS_SECRET = 'whsec_c2FuZGJveC1pbnRlcm5hbC1ldmVudHMtc2VjcmV0ISE=';

/** `REVIEWS_EVENTS_URL` / `REVIEWS_EVENTS_SECRET` (a producer) and `NOTIFICATIONS_EVENTS_SECRETS` (a consumer). */
export function subgraphEventsEnv(name: string) {
  const p = envPrefix(name);
  return { url: `${p}_EVENTS_URL`, secret: `${p}_EVENTS_SECRET`, secrets: `${p}_EVENTS_SECRETS` };
}

/** `reviews` → `REVIEWS`, `order-history` → `ORDER_HISTORY`: the prefix of a service's settings. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** Where a subgraph's files are, from its name. Paths are relative to the project root. */
export function subgraphPaths(name: string) {
  const dir = `subgraphs/${name}`;
  return {
    dir,
    /** Runs it alone (reads the environment, listens). */
    entry: `${dir}/main.ts`,
    /** Its workers alone, for a subgraph that has them (payments, notifications). */
    worker: `${dir}/worker/main.ts`,
    /** Exports `subgraph`: its settings, config parser and factory (see the kit's SubgraphModule). */
    module: `${dir}/subgraph.ts`,
    /** The team's contract. */
    schema: `${dir}/schema.graphql`,
    readme: `${dir}/README.md`,
  };
}

/** Where a sandbox vendor's files are, from its name. */
export function sandboxVendorPaths(name: string) {
  const dir = `vendors/${name}`;
  return {
    dir,
    /** Exports `sandboxVendor`: its settings and how to start it (see vendors/sandbox/SandboxVendorModule.ts). */
    module: `${dir}/sandbox.ts`,
  };
}

/** The settings that wire a subgraph to its vendor and place it: `<NAME>_PORT`, `<NAME>_VENDOR_URL`, `<NAME>_VENDOR_KEY`. */
export function subgraphEnv(name: string) {
  const p = envPrefix(name);
  return { port: `${p}_PORT`, host: `${p}_HOST`, vendorUrl: `${p}_VENDOR_URL`, vendorKey: `${p}_VENDOR_KEY` };
}

/** `PAYMENTS_COMMERCE_URL`, `PAYMENTS_COMMERCE_KEY`: how a subgraph reaches a vendor it `reads` besides its own. */
export function subgraphReadsEnv(name: string, vendor: string) {
  const p = `${envPrefix(name)}_${envPrefix(vendor)}`;
  return { url: `${p}_URL`, key: `${p}_KEY` };
}

/** `SANDBOX_<NAME>_PORT`, `SANDBOX_<NAME>_KEY`, and `SANDBOX_<NAME>_WEBHOOK_URL` for a vendor that sends webhooks. */
export function sandboxVendorEnv(name: string) {
  const p = `SANDBOX_${envPrefix(name)}`;
  return { port: `${p}_PORT`, key: `${p}_KEY`, webhookUrl: `${p}_WEBHOOK_URL` };
}

export function subgraphEntry(name: string): SubgraphEntry {
  const entry = subgraphEntries.find((s) => s.name === name);
  if (entry === undefined) throw new Error(`no subgraph named "${name}" in platform/registry/services.ts`);
  return entry;
}

export function sandboxVendorEntry(name: string): SandboxVendorEntry {
  const entry = sandboxVendorEntries.find((v) => v.name === name);
  if (entry === undefined) throw new Error(`no sandbox vendor named "${name}" in platform/registry/services.ts`);
  return entry;
}

/** The sandbox vendor a subgraph calls by default, at its default port on this machine. */
export function sandboxDefaults(subgraphName: string): { readonly baseUrl: string; readonly apiKey: string } {
  const vendor = sandboxVendorEntry(subgraphEntry(subgraphName).vendor);
  return { baseUrl: `http://127.0.0.1:${vendor.port}`, apiKey: vendor.defaultKey };
}

/** The vendor that issues the app's access tokens, if the sandbox has one. */
export function issuerVendorEntry(): SandboxVendorEntry | undefined {
  return sandboxVendorEntries.find((v) => v.issuer === true);
}
