import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import type { RenderedObject } from './renderOverlay.js';

interface Validatable {
  validate(): void;
}

/** The kinds the overlays may hold; anything else is a finding, not a silent pass. */
const models: Readonly<Record<string, new (data: never) => Validatable>> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every problem of one object against the Kubernetes schemas: the model's own validate()
 * (types, required fields, formats), plus the unknown keys it lets through.
 *
 * The schemas do not forbid unknown properties (the API server's strict field validation
 * does), so `readinessProbes` would pass validate() and be dropped by the cluster. The
 * compiled validator reads every property its schema knows and enumerates the keys of maps
 * (labels, data, …) only; so validate() runs on a proxy that records what it looked at, and
 * a key of a checked object that it never looked at is one the schema does not have.
 */
export function validateObject(object: RenderedObject): string[] {
  const id = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const Model = models[`${object.apiVersion}/${object.kind}`];
  if (Model === undefined) return [`${id}: no schema for ${object.apiVersion} ${object.kind}`];
  const model = new Model(object as never);

  const read = new WeakMap<object, Set<string>>();
  const enumerated = new WeakSet<object>();
  const proxies = new WeakMap<object, object>();
  const track = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const known = proxies.get(value);
    if (known !== undefined) return known;
    read.set(value, new Set());
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.get(target)!.add(key);
        return track(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === 'string') read.get(target)!.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        enumerated.add(target);
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };

  const problems: string[] = [];
  const data = structuredClone(object) as Record<string, unknown>;
  // kustomize folds long base64 values over lines; the API server's decoder (Go's
  // encoding/base64) skips newlines, the schema's "byte" pattern does not.
  if (object.kind === 'Secret' && isObject(data.data)) {
    for (const [key, value] of Object.entries(data.data)) if (typeof value === 'string') data.data[key] = value.replace(/\n/g, '');
  }
  try {
    model.validate.call(track(data));
  } catch (err) {
    problems.push(`${id}: ${(err as Error).message}`);
  }
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}/${i}`));
      return;
    }
    if (!isObject(value)) return;
    const keys = read.get(value);
    // Never reached: under a key already reported, or the validator stopped earlier.
    if (keys === undefined) return;
    for (const [key, child] of Object.entries(value)) {
      if (!enumerated.has(value) && !keys.has(key)) problems.push(`${id}: unknown field ${path}/${key}`);
      else walk(child, `${path}/${key}`);
    }
  };
  walk(data, '');
  return problems;
}
