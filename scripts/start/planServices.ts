import {
  gatewayEntry,
  issuerVendorEntry,
  SANDBOX_ENTRY,
  sandboxVendorEntries,
  sandboxVendorEnv,
  subgraphEntries,
  subgraphEntry,
  subgraphEnv,
  subgraphEventsEnv,
  subgraphPaths,
  subgraphReadsEnv,
} from '../../platform/registry/services.js';

/** Where each service of the registry listens: the gateway, each sandbox vendor and each subgraph by name. */
export interface ServicePorts {
  readonly gateway: number;
  readonly vendors: Readonly<Record<string, number>>;
  readonly subgraphs: Readonly<Record<string, number>>;
}

export interface PlannedService {
  readonly name: string;
  /** Project-relative entry point. */
  readonly entry: string;
  /** Answers 2xx once it serves. */
  readonly health: string;
}

export interface ServicePlan {
  /** Every service's port and how they reach each other: subgraph → vendor URLs, gateway → subgraph URLs, the issuer. */
  readonly env: Readonly<Record<string, string>>;
  /** Start order: the sandbox (subgraphs call it), every subgraph, the gateway (it needs every subgraph). */
  readonly waves: readonly (readonly PlannedService[])[];
  readonly gatewayUrl: string;
}

/**
 * The whole system as one process per service, wired from the registry: what `npm start`
 * runs, and what `npm run chaos` runs on free ports. Moving one port moves its users too.
 */
export function planServices(ports: ServicePorts, host = '127.0.0.1'): ServicePlan {
  const vendorUrl = (name: string) => `http://${host}:${ports.vendors[name]}`;
  const subgraphUrl = (name: string) => `http://${host}:${ports.subgraphs[name]}`;
  const issuer = issuerVendorEntry();
  const env: Record<string, string> = {
    [gatewayEntry.portEnv]: String(ports.gateway),
    SUBGRAPH_URLS: subgraphEntries.map((s) => `${s.name}=${subgraphUrl(s.name)}/graphql`).join(','),
    // Access tokens come from the sandbox's issuer vendor.
    ...(issuer ? { AUTH_ISSUER: vendorUrl(issuer.name) } : {}),
  };
  for (const v of sandboxVendorEntries) env[sandboxVendorEnv(v.name).port] = String(ports.vendors[v.name]);
  for (const s of subgraphEntries) {
    env[subgraphEnv(s.name).port] = String(ports.subgraphs[s.name]);
    env[subgraphEnv(s.name).vendorUrl] = vendorUrl(s.vendor);
    for (const other of s.reads ?? []) env[subgraphReadsEnv(s.name, other).url] = vendorUrl(other);
    // The vendor delivers its webhooks to the subgraph that receives them.
    if (s.webhookPath !== undefined) env[sandboxVendorEnv(s.vendor).webhookUrl] = `${subgraphUrl(s.name)}${s.webhookPath}`;
    // A producer delivers its events to its consumer, wherever that one's port was moved.
    if (s.emitsTo !== undefined) env[subgraphEventsEnv(s.name).url] = `${subgraphUrl(s.emitsTo)}${subgraphEntry(s.emitsTo).eventsPath ?? '/events'}`;
  }
  return {
    env,
    waves: [
      [{ name: 'sandbox', entry: SANDBOX_ENTRY, health: `${vendorUrl(sandboxVendorEntries[0]!.name)}/__sandbox/health` }],
      subgraphEntries.map((s) => ({ name: s.name, entry: subgraphPaths(s.name).entry, health: `${subgraphUrl(s.name)}/readyz` })),
      [{ name: 'gateway', entry: gatewayEntry.entry, health: `http://${host}:${ports.gateway}/readyz` }],
    ],
    gatewayUrl: `http://${host}:${ports.gateway}/graphql`,
  };
}
