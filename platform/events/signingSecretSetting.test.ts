import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signingSecretSetting } from './signingSecretSetting.js';

const secret = (bytes = 32) => `whsec_${randomBytes(bytes).toString('base64')}`;
const SANDBOX = secret();
const setting = signingSecretSetting('PAYMENTS_EVENTS_SECRET', { sandboxDefault: SANDBOX, description: 'test' });

describe('the secret a sender signs with (PAYMENTS_EVENTS_SECRET, REVIEWS_EVENTS_SECRET)', () => {
  it('is a secret setting with the sandbox default when unset or blank', () => {
    expect(setting.secret).toBe(true);
    expect(setting.defaultText).not.toContain('whsec_');
    expect(setting.parse(undefined)).toEqual({ ok: true, value: SANDBOX });
    expect(setting.parse(' ')).toEqual({ ok: true, value: SANDBOX });
  });

  it('takes one Standard Webhooks secret, trimmed', () => {
    const own = secret(24);
    expect(setting.parse(` ${own} `)).toEqual({ ok: true, value: own });
  });

  it.each([
    ['two secrets', () => `${secret()},${secret()}`],
    ['no whsec_ prefix', () => randomBytes(32).toString('base64')],
    ['too short a key', () => `whsec_${randomBytes(8).toString('base64')}`],
  ])('refuses %s without echoing it', (_name, raw) => {
    const value = raw();
    const result = setting.parse(value);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(value);
  });

  it('is required in production, where the sandbox secret is refused', () => {
    const production = { NODE_ENV: 'production' };
    const own = secret();
    expect(setting.parse(undefined, production)).toMatchObject({ ok: false, expected: expect.stringContaining('required when NODE_ENV=production') });
    expect(setting.parse(SANDBOX, production).ok).toBe(false);
    expect(setting.parse(own, production)).toEqual({ ok: true, value: own });
  });
});
