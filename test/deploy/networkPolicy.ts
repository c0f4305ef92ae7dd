import type { RenderedObject } from './renderOverlay.js';

type Labels = Readonly<Record<string, string>>;

interface Selector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly unknown[];
}
interface Peer {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: unknown;
}
interface Rule {
  readonly from?: readonly Peer[];
  readonly ports?: readonly { readonly port?: number | string; readonly protocol?: string }[];
}
interface PolicySpec {
  readonly podSelector: Selector;
  readonly policyTypes?: readonly string[];
  readonly ingress?: readonly Rule[];
}

/** A pod as NetworkPolicies see it: its labels and its namespace's labels. */
export interface PodRef {
  readonly namespace: string;
  readonly labels: Labels;
}

function matches(selector: Selector | undefined, labels: Labels): boolean {
  // The overlays use matchLabels only; an expression would be evaluated wrongly here, so refuse it.
  if (selector?.matchExpressions !== undefined) throw new Error('matchExpressions are not evaluated by this test');
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function peerMatches(peer: Peer, from: PodRef, policyNamespace: string): boolean {
  if (peer.ipBlock !== undefined) throw new Error('ipBlock peers are not evaluated by this test');
  const namespaceOk =
    peer.namespaceSelector === undefined ? from.namespace === policyNamespace : matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': from.namespace });
  const podOk = peer.podSelector === undefined || matches(peer.podSelector, from.labels);
  return namespaceOk && podOk;
}

/**
 * Whether the NetworkPolicies let `from` open a TCP connection to port `port` of `to`, by the
 * API's rules: a pod no Ingress policy selects takes everything; one that is selected takes
 * what at least one rule of one selecting policy allows. Named ports are not used here.
 */
export function ingressAllowed(objects: readonly RenderedObject[], from: PodRef, to: PodRef, port: number): boolean {
  const selecting = objects
    .filter((o) => o.kind === 'NetworkPolicy' && (o.metadata.namespace ?? '') === to.namespace)
    .map((o) => o.spec as PolicySpec)
    .filter((spec) => (spec.policyTypes ?? ['Ingress']).includes('Ingress') && matches(spec.podSelector, to.labels));
  if (selecting.length === 0) return true;
  return selecting.some((spec) =>
    (spec.ingress ?? []).some(
      (rule) =>
        (rule.from === undefined || rule.from.some((peer) => peerMatches(peer, from, to.namespace))) &&
        (rule.ports === undefined || rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && p.port === port)),
    ),
  );
}
