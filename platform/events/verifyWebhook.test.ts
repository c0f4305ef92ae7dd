import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from './verifyWebhook.js';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const OLD = secret();
const NEW = secret();
const BODY = Buffer.from(JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: { id: 'pi_1' } } }));

function headers(options: { id?: string; at?: Date; secrets?: string[]; body?: Buffer } = {}): Record<string, string> {
  const id = options.id ?? 'evt_1';
  const at = options.at ?? new Date();
  const body = (options.body ?? BODY).toString('utf8');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': (options.secrets ?? [OLD]).map((s) => new Webhook(s).sign(id, at, body)).join(' '),
  };
}
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe('webhook signature verification (Standard Webhooks, through the library)', () => {
  const verify = createWebhookVerifier([OLD]);
  const rotating = createWebhookVerifier([OLD, NEW]);

  it('accepts a delivery signed with an active secret', () => {
    expect(verify(BODY, headers())).toEqual({ ok: true });
  });

  it('during a rotation: either secret alone, or both signatures, verify when both are configured', () => {
    expect(rotating(BODY, headers({ secrets: [NEW] }))).toEqual({ ok: true });
    expect(rotating(BODY, headers({ secrets: [OLD] }))).toEqual({ ok: true });
    expect(rotating(BODY, headers({ secrets: [secret(), NEW] }))).toEqual({ ok: true });
    // Only the old configured: the vendor's two signatures still verify, the new one alone does not.
    expect(verify(BODY, headers({ secrets: [OLD, NEW] }))).toEqual({ ok: true });
    expect(verify(BODY, headers({ secrets: [NEW] }))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a tampered body, another secret, another id', () => {
    const tampered = Buffer.from(BODY.toString('utf8').replace('succeeded', 'refunded'));
    expect(verify(tampered, headers())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(BODY, headers({ secrets: [secret()] }))).toEqual({ ok: false, reason: 'bad_signature' });
    const h = headers();
    expect(verify(BODY, { ...h, 'webhook-id': 'evt_2' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(BODY, { ...h, 'webhook-signature': 'v1,AAAA' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(BODY, { ...h, 'webhook-signature': h['webhook-signature']!.replace('v1,', 'v2,') })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a timestamp more than 5 minutes old or ahead, even correctly signed for it', () => {
    expect(verify(BODY, headers({ at: minutes(-6) }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(BODY, headers({ at: minutes(6) }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(BODY, headers({ at: minutes(-4) }))).toEqual({ ok: true });
    expect(verify(BODY, { ...headers(), 'webhook-timestamp': 'soon' })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a missing, empty, repeated or over-long %s', (name) => {
    const h = headers();
    const without = Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));
    expect(verify(BODY, without)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify(BODY, { ...h, [name]: '' })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify(BODY, { ...h, [name]: [h[name] as string, h[name] as string] })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify(BODY, { ...h, [name]: 'x'.repeat(4097) })).toEqual({ ok: false, reason: 'missing_headers' });
  });
});
