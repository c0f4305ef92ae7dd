import type { IncomingHttpHeaders } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export type Verification = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Checks a delivery's (a vendor's webhook, another service's event) Standard Webhooks signature (HMAC-SHA256 over `id.timestamp.body`)
 * with each of our active secrets, and that its timestamp is within 5 minutes of now (the
 * library's window: an old delivery replayed by someone who captured it is refused). The
 * library compares in constant time; we never hand-roll the HMAC.
 */
export function createWebhookVerifier(secrets: readonly string[]): (body: Buffer, headers: IncomingHttpHeaders) => Verification {
  const verifiers = secrets.map((secret) => new Webhook(secret));
  return (body, headers) => {
    const signed: Record<string, string> = {};
    for (const name of SIGNATURE_HEADERS) {
      const value = headers[name];
      if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return { ok: false, reason: 'missing_headers' };
      signed[name] = value;
    }
    let stale = false;
    for (const verifier of verifiers) {
      try {
        verifier.verify(body, signed, { jsonParse: false });
        return { ok: true };
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        // Every secret sees the same timestamp: too old or too new is not a signature problem.
        if (/timestamp/i.test(err.message) || /Invalid Signature Headers/.test(err.message)) stale = true;
      }
    }
    return { ok: false, reason: stale ? 'stale_timestamp' : 'bad_signature' };
  };
}
