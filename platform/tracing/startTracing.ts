import type { Env } from '../config/setting.js';

export interface Tracing {
  /** Flushes spans not yet exported and stops exporting. */
  shutdown(): Promise<void>;
}

/** PLACEHOLDER (being implemented): OpenTelemetry for one service's process, from the OTEL_* variables. */
export function startTracing(_options: { readonly service: string; readonly env: Env }): Tracing {
  return { shutdown: async () => undefined };
}
