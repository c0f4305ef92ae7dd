import type { DiagLogger } from '@opentelemetry/api';
import type { Logger } from '../log/createLogger.js';

/** A problem the SDK reports again (every failed export of an unreachable collector) is logged at most this often. */
const REPEAT_AFTER_MS = 60_000;
/** Distinct messages remembered; past it the memory starts over (a few lines more, never unbounded). */
const MAX_REMEMBERED = 100;

/**
 * The SDK's own diagnostics (a sampler name it does not know, an OTEL_BSP_* that is not a
 * number, a collector that refuses spans) into the service's JSON log. The SDK tolerates
 * such values and would otherwise stay silent. Warnings and errors only, each distinct
 * message once per minute.
 */
export function diagToLogger(logger: Logger, now: () => number = Date.now): DiagLogger {
  const loggedAt = new Map<string, number>();
  const forward =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]): void => {
      const at = now();
      const last = loggedAt.get(message);
      if (last !== undefined && at - last < REPEAT_AFTER_MS) return;
      if (loggedAt.size >= MAX_REMEMBERED) loggedAt.clear();
      loggedAt.set(message, at);
      const err = args.find((arg) => arg instanceof Error);
      const details = args.filter((arg) => arg !== err);
      logger[level]({ component: 'opentelemetry', ...(err ? { err } : {}), ...(details.length > 0 ? { details } : {}) }, message);
    };
  const ignore = (): void => undefined;
  return { error: forward('error'), warn: forward('warn'), info: ignore, debug: ignore, verbose: ignore };
}
