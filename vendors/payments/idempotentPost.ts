import type { IdempotencyStore } from '../sandbox/IdempotencyStore.js';
import { canonicalJson } from '../sandbox/json.js';
import type { RouteRequest, RouteResponse } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import { invalidRequest } from './paylaneErrors.js';

/**
 * Stripe's idempotency for a server POST: a required `idempotency-key`; the same key with the
 * same body replays the first successful answer (`idempotent-replayed: true`), creating and
 * emitting nothing; with another body (or on another endpoint) it is a 409. Refusals are not
 * remembered, so a corrected request may reuse its key.
 */
export function idempotentPost(
  store: IdempotencyStore,
  endpoint: string,
  handle: (req: RouteRequest) => RouteResponse,
): (req: RouteRequest) => RouteResponse {
  return (req) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim().length === 0 || key.length > 255) {
      throw invalidRequest("Header 'idempotency-key' (1 to 255 characters) is required on every POST.", { code: 'idempotency_key_required', param: 'idempotency-key' });
    }
    const fingerprint = `${endpoint}\n${req.body.kind === 'json' ? canonicalJson(req.body.value) : req.body.kind}`;
    const seen = store.lookup(req.apiKey, key, fingerprint);
    if (seen.kind === 'replay') return { ...seen.response, headers: { ...seen.response.headers, 'idempotent-replayed': 'true' } };
    if (seen.kind === 'conflict') {
      throw new VendorHttpError(409, 'idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with.', {
        code: 'idempotency_key_reused',
      });
    }
    const response = handle(req);
    store.remember(req.apiKey, key, fingerprint, structuredClone(response));
    return response;
  };
}
