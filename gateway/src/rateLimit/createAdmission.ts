import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';
import { errorCodes } from '../../../platform/errors/errorCodes.js';
import type { Admission } from '../../../platform/http/createHttpHandler.js';
import { HttpRefusal } from '../../../platform/http/HttpRefusal.js';
import { rateLimitMetrics } from '../metrics/rateLimitMetrics.js';
import { addressKey, clientAddress } from './clientAddress.js';
import type { RateLimiter, RateLimitScope, RateLimitVerdict } from './createRateLimiter.js';
import { installId } from './installId.js';

export interface AdmissionOptions {
  readonly rateLimiter: RateLimiter;
  /** How many proxies in front of the gateway append to `x-forwarded-for` (see `clientAddress`). */
  readonly trustProxyHops: number;
  /** Operations one batched request (a JSON array body) may hold; 0 = batching refused. */
  readonly maxBatchOperations: number;
  /** Where refusals are counted (gateway_rate_limit_refusals_total, by limit). */
  readonly metrics?: Registry;
}

/**
 * What a GraphQL request must pass before Apollo sees it (the kit's HTTP handler calls
 * it; health checks never get here):
 *
 * 1. before the token is verified and the body read: one operation counted for the
 *    client, so that floods of bad tokens or oversized bodies are limited too;
 * 2. once the body is read: a batch (JSON array) is refused unless batching is on and it
 *    holds at most `maxBatchOperations`; the other operations of an accepted batch are
 *    counted for the client, and all of them for the signed-in user. One HTTP request
 *    cannot hide many operations.
 *
 * "The client" is two counters. Its own (`ip`): the address (IPv6 by /64) and, when the
 * app sends a well-formed `x-install-id`, that install, so that the phones behind one
 * carrier NAT each have their own budget (without an install id: one bucket per
 * address, as before). And the address's (`ipShared`), a higher ceiling that every
 * install behind it shares, so that making up install ids cannot multiply one address's
 * budget past it. Only what a client's own counter lets through is counted for its
 * address: a phone that keeps sending after its 429 does not use up its neighbours'
 * ceiling.
 *
 * Over a limit → 429 RATE_LIMITED with `Retry-After` (whole seconds) and
 * `extensions.retryAfterSeconds`.
 */
export function createAdmission(options: AdmissionOptions): Admission {
  const { rateLimiter } = options;
  const refusals = options.metrics && rateLimitMetrics(options.metrics);
  const consume = async (limit: RateLimitScope, key: string, operations: number): Promise<void> => {
    const verdict = await count(() => rateLimiter.consume(limit, key, operations));
    if (!verdict.allowed) refusals?.refused(limit);
    refuseIfLimited(verdict);
  };
  const countClient = async (req: IncomingMessage, operations: number): Promise<void> => {
    const address = addressKey(clientAddress(req, options.trustProxyHops));
    const install = installId(req);
    await consume('ip', install === undefined ? address : `${address}|${install}`, operations);
    await consume('ipShared', address, operations);
  };

  return {
    async request({ req }) {
      await countClient(req, 1);
    },
    async operations({ req, viewer, body }) {
      let operations = 1;
      if (Array.isArray(body)) {
        if (options.maxBatchOperations === 0) throw new HttpRefusal(400, 'BAD_REQUEST', 'Batched requests are not accepted.');
        if (body.length > options.maxBatchOperations) {
          throw new HttpRefusal(400, 'BAD_REQUEST', `A batched request may hold at most ${options.maxBatchOperations} operations.`);
        }
        operations = Math.max(1, body.length);
      }
      if (operations > 1) await countClient(req, operations - 1);
      if (viewer) await consume('user', viewer.userId, operations);
    },
  };
}

/** A limiter that cannot count (not even in memory) fails closed: 503, never "no limit". */
async function count(consume: () => Promise<RateLimitVerdict>): Promise<RateLimitVerdict> {
  try {
    return await consume();
  } catch {
    throw new HttpRefusal(503, 'SERVICE_UNAVAILABLE', errorCodes.SERVICE_UNAVAILABLE.message, { 'retry-after': '1' });
  }
}

function refuseIfLimited(verdict: RateLimitVerdict): void {
  if (verdict.allowed) return;
  const seconds = verdict.retryAfterSeconds;
  throw new HttpRefusal(429, 'RATE_LIMITED', errorCodes.RATE_LIMITED.message, { 'retry-after': String(seconds) }, { retryAfterSeconds: seconds });
}
