import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signingSecretsSetting } from './signingSecretsSetting.js';

const secret = (bytes = 32) => `whsec_${randomBytes(bytes).toString('base64')}`;
const DEFAULT = secret();
const setting = signingSecretsSetting('PAYMENTS_WEBHOOK_SECRETS', { defaults: [DEFAULT], description: 'test' });

describe('signing secrets a receiver accepts (PAYMENTS_WEBHOOK_SECRETS, NOTIFICATIONS_EVENTS_SECRETS)', () => {
  it('is a secret setting (never echoed in config errors) with the sandbox default when unset or blank', () => {
    expect(setting.secret).toBe(true);
    expect(setting.defaultText).not.toContain('whsec_');
    expect(setting.parse(undefined)).toEqual({ ok: true, value: [DEFAULT] });
    expect(setting.parse('  ')).toEqual({ ok: true, value: [DEFAULT] });
  });

  it('takes one to four secrets, comma-separated, trimmed, duplicates once, frozen', () => {
    const [a, b, c, d] = [secret(), secret(24), secret(64), secret()];
    expect(setting.parse(a)).toEqual({ ok: true, value: [a] });
    expect(setting.parse(` ${a} , ${b},`)).toEqual({ ok: true, value: [a, b] });
    expect(setting.parse(`${a},${b},${c},${d}`)).toEqual({ ok: true, value: [a, b, c, d] });
    expect(setting.parse(`${a},${a}`)).toEqual({ ok: true, value: [a] });
    const parsed = setting.parse(`${a},${b}`);
    expect(parsed.ok && Object.isFrozen(parsed.value)).toBe(true);
  });

  it.each([
    ['five secrets', () => [secret(), secret(), secret(), secret(), secret()].join(',')],
    ['no whsec_ prefix', () => randomBytes(32).toString('base64')],
    ['too short a key', () => `whsec_${randomBytes(8).toString('base64')}`],
    ['not base64', () => 'whsec_this-is-not-base64-at-all-but-long-enough!!'],
    ['a good one and a bad one', () => `${secret()},whsec_nope`],
    ['only commas', () => ',,,'],
  ])('refuses %s, naming what it expects and not echoing the value', (_name, raw) => {
    const value = raw();
    const result = setting.parse(value);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(value);
    expect(JSON.stringify(result)).toContain('whsec_');
  });

  it('is required in production, where the sandbox secret (public, in the repository) is refused', () => {
    const production = { NODE_ENV: 'production' };
    const own = secret();
    expect(setting.parse(undefined, production)).toMatchObject({ ok: false, expected: expect.stringContaining('required when NODE_ENV=production') });
    expect(setting.parse(' ', production).ok).toBe(false);
    expect(setting.parse(DEFAULT, production).ok).toBe(false);
    expect(setting.parse(`${own},${DEFAULT}`, production).ok).toBe(false);
    expect(setting.parse(own, production)).toEqual({ ok: true, value: [own] });
    expect(setting.parse(DEFAULT, { NODE_ENV: 'development' })).toEqual({ ok: true, value: [DEFAULT] });
  });
});
