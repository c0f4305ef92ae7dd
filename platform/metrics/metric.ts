import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MetricSpec } from './metricCatalog.js';

type LabelsOf<S extends MetricSpec> = S['labels'][number];
type MetricOf<S extends MetricSpec> = S['type'] extends 'counter'
  ? Counter<LabelsOf<S>>
  : S['type'] extends 'gauge'
    ? Gauge<LabelsOf<S>>
    : Histogram<LabelsOf<S>>;

/**
 * The metric of `spec` in `registry`, created on first use: several vendor clients of one
 * service (payments reads two vendors) share one registry, and prom-client refuses to
 * register a name twice.
 */
export function metric<S extends MetricSpec>(registry: Registry, spec: S): MetricOf<S> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as MetricOf<S>;
  const common = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
  switch (spec.type) {
    case 'counter':
      return new Counter(common) as MetricOf<S>;
    case 'gauge':
      return new Gauge(common) as MetricOf<S>;
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(spec.buckets ?? [])] }) as MetricOf<S>;
  }
}
