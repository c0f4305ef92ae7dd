import type { Env, Setting } from '../../platform/config/setting.js';

/** Standard Webhooks secrets: `whsec_` and the base64 of 24..64 random bytes. */
const SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;
const MAX_ACTIVE = 4;

/**
 * `PAYMENTS_WEBHOOK_SECRETS`: the webhook signing secrets we accept, comma-separated. Two
 * at once during a rotation (the vendor signs with both while it rolls); a delivery is
 * genuine when any one signature verifies with any one of them.
 * In production it is required and the sandbox's secrets are refused: they are in this
 * repository, so anyone could sign a `payment_intent.succeeded` for their own order with them.
 */
export function webhookSecretsSetting(env: string, defaults: readonly string[]): Setting<readonly string[]> {
  const expected = `1 to ${MAX_ACTIVE} comma-separated secrets, each "whsec_" followed by base64`;
  return {
    env,
    description: 'Webhook signing secrets accepted, comma-separated (two during a rotation). From the payment vendor\'s dashboard.',
    defaultText: '(sandbox value; required when NODE_ENV=production)',
    secret: true,
    parse(raw, all?: Env) {
      const production = all?.NODE_ENV?.trim() === 'production';
      if (raw === undefined || raw.trim() === '') {
        return production ? { ok: false, expected: `${expected} (required when NODE_ENV=production)` } : { ok: true, value: Object.freeze([...defaults]) };
      }
      const secrets = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (secrets.length < 1 || secrets.length > MAX_ACTIVE || !secrets.every((s) => SECRET.test(s))) return { ok: false, expected };
      if (production && secrets.some((s) => defaults.includes(s))) return { ok: false, expected: `${expected}, not the sandbox's (public) secret, when NODE_ENV=production` };
      return { ok: true, value: Object.freeze([...new Set(secrets)]) };
    },
  };
}
