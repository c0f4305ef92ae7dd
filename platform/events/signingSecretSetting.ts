import type { Env, Setting } from '../config/setting.js';
import { SIGNING_SECRET } from './signingSecretsSetting.js';

/**
 * The one secret a sender signs its deliveries with (`PAYMENTS_EVENTS_SECRET`): one of the
 * receiver's `…_EVENTS_SECRETS`. A rotation adds the new secret at the receiver first, then
 * moves the sender to it, then drops the old one there. Same rules as the receiver's list:
 * required in production, where the sandbox's (public) secret is refused.
 */
export function signingSecretSetting(env: string, options: { readonly sandboxDefault: string; readonly description: string }): Setting<string> {
  const expected = '"whsec_" followed by base64';
  return {
    env,
    description: options.description,
    defaultText: '(sandbox value; required when NODE_ENV=production)',
    secret: true,
    parse(raw, all?: Env) {
      const production = all?.NODE_ENV?.trim() === 'production';
      if (raw === undefined || raw.trim() === '') {
        return production ? { ok: false, expected: `${expected} (required when NODE_ENV=production)` } : { ok: true, value: options.sandboxDefault };
      }
      const secret = raw.trim();
      if (!SIGNING_SECRET.test(secret)) return { ok: false, expected };
      if (production && secret === options.sandboxDefault) return { ok: false, expected: `${expected}, not the sandbox's (public) secret, when NODE_ENV=production` };
      return { ok: true, value: secret };
    },
  };
}
