import type { Env, Setting } from '../config/setting.js';

/** Standard Webhooks secrets: `whsec_` and the base64 of 24..64 random bytes. */
export const SIGNING_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;
const MAX_ACTIVE = 4;

export interface SigningSecretsOptions {
  /** The sandbox's secrets, used when unset outside production and refused in it (they are in this repository). */
  readonly defaults: readonly string[];
  /** For the configuration table: where the secrets come from. */
  readonly description: string;
}

/**
 * Signing secrets a receiver accepts (`PAYMENTS_WEBHOOK_SECRETS` from the payment vendor,
 * `NOTIFICATIONS_EVENTS_SECRETS` from our own producers), comma-separated. Two at once
 * during a rotation (the sender signs with both while it rolls); a delivery is genuine when
 * any one signature verifies with any one of them.
 * In production it is required and the sandbox's secrets are refused: they are in this
 * repository, so anyone could sign a delivery with them (a `payment_intent.succeeded` for
 * their own order, an `order.paid` pushed to someone's phone).
 */
export function signingSecretsSetting(env: string, options: SigningSecretsOptions): Setting<readonly string[]> {
  const { defaults } = options;
  const expected = `1 to ${MAX_ACTIVE} comma-separated secrets, each "whsec_" followed by base64`;
  return {
    env,
    description: options.description,
    defaultText: '(sandbox value; required when NODE_ENV=production)',
    secret: true,
    parse(raw, all?: Env) {
      const production = all?.NODE_ENV?.trim() === 'production';
      if (raw === undefined || raw.trim() === '') {
        return production ? { ok: false, expected: `${expected} (required when NODE_ENV=production)` } : { ok: true, value: Object.freeze([...defaults]) };
      }
      const secrets = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (secrets.length < 1 || secrets.length > MAX_ACTIVE || !secrets.every((s) => SIGNING_SECRET.test(s))) return { ok: false, expected };
      if (production && secrets.some((s) => defaults.includes(s))) return { ok: false, expected: `${expected}, not the sandbox's (public) secret, when NODE_ENV=production` };
      return { ok: true, value: Object.freeze([...new Set(secrets)]) };
    },
  };
}
