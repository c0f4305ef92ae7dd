import type { RouteResponse } from './types.js';

/** Enough for any test or benchmark; the oldest keys are forgotten first. */
const MAX_KEYS = 10_000;

/**
 * Remembers the successful answer to each idempotency key (per API key) together with a
 * fingerprint of the request body, the way payment and reviews APIs do.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, { fingerprint: string; response: RouteResponse }>();

  lookup(apiKey: string, key: string, fingerprint: string): { kind: 'new' } | { kind: 'replay'; response: RouteResponse } | { kind: 'conflict' } {
    const entry = this.entries.get(`${apiKey}\n${key}`);
    if (entry === undefined) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', response: entry.response } : { kind: 'conflict' };
  }

  remember(apiKey: string, key: string, fingerprint: string, response: RouteResponse): void {
    this.entries.set(`${apiKey}\n${key}`, { fingerprint, response });
    if (this.entries.size > MAX_KEYS) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
