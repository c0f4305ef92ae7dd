import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../platform/config/ConfigError.js';
import { parseConfig } from '../../../platform/config/parseConfig.js';
import { int } from '../../../platform/config/setting.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { toCachePolicy, toVendorClientOptions, vendorSettings } from './vendorSettings.js';

const defaults = { baseUrl: 'http://127.0.0.1:4101', apiKey: 'sandbox-key', maxBatchSize: 50, cacheTtlMs: 30_000 };
const settings = () => ({ port: int('CATALOG_PORT', { default: 4001, min: 0, max: 65535, description: 'Port.' }), ...vendorSettings('CATALOG', defaults) });

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig('catalog', settings(), env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('vendorSettings', () => {
  it('has predictable keys and documented defaults', () => {
    const config = parseConfig('catalog', settings(), {});
    expect(config).toEqual({
      port: 4001,
      vendorUrl: 'http://127.0.0.1:4101',
      vendorKey: 'sandbox-key',
      deadlineMs: 1000,
      connections: 32,
      maxBodyBytes: 1_048_576,
      maxBatchSize: 50,
      breakerErrorPercent: 50,
      breakerVolume: 10,
      breakerWindowMs: 10_000,
      breakerResetMs: 10_000,
      breakerConsecutiveFailures: 3,
      retryMaxAttempts: 3,
      retryBaseMs: 50,
      retryMaxDelayMs: 500,
      retryRateLimitedMinMs: 500,
      retryBudgetPercent: 10,
      retryAfterMaxMs: 60_000,
      cacheTtlMs: 30_000,
      cacheMaxStaleMs: 300_000,
      batching: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
    for (const s of Object.values(vendorSettings('CATALOG', defaults))) {
      expect(s.env).toMatch(/^CATALOG_/);
      expect(s.description.length).toBeGreaterThan(20);
    }
    expect(vendorSettings('CATALOG', defaults).deadlineMs.defaultText).toBe('1000 (ms)');
    expect(vendorSettings('CATALOG', defaults).vendorKey.secret).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseConfig('catalog', settings(), {
      CATALOG_VENDOR_URL: 'https://api.example.com/v2/',
      CATALOG_VENDOR_KEY: 'live-key',
      CATALOG_VENDOR_DEADLINE_MS: '800',
      CATALOG_VENDOR_CONNECTIONS: '64',
      CATALOG_VENDOR_MAX_BATCH: '25',
      CATALOG_BREAKER_ERROR_PERCENT: '30',
      CATALOG_BREAKER_VOLUME: '20',
      CATALOG_BREAKER_WINDOW_MS: '5000',
      CATALOG_BREAKER_RESET_MS: '3000',
      CATALOG_RETRY_MAX_ATTEMPTS: '1',
      CATALOG_RETRY_BASE_MS: '20',
      CATALOG_RETRY_MAX_DELAY_MS: '200',
      CATALOG_BREAKER_CONSECUTIVE_FAILURES: '5',
      CATALOG_RETRY_RATE_LIMITED_MIN_MS: '250',
      CATALOG_RETRY_BUDGET_PERCENT: '20',
      CATALOG_RETRY_AFTER_MAX_MS: '30000',
      CATALOG_CACHE_TTL_MS: '0',
      CATALOG_CACHE_MAX_STALE_MS: '60000',
      CATALOG_BATCHING: 'false',
    });
    expect(config).toMatchObject({ vendorUrl: 'https://api.example.com/v2', vendorKey: 'live-key', deadlineMs: 800, cacheTtlMs: 0, batching: false, retryMaxAttempts: 1 });
    expect(config).toMatchObject({ breakerConsecutiveFailures: 5, retryRateLimitedMinMs: 250, retryBudgetPercent: 20, retryAfterMaxMs: 30_000 });
  });

  it('reports every bad value at once, with variable names, never echoing the secret', () => {
    const list = problems({
      CATALOG_VENDOR_URL: 'not a url',
      CATALOG_VENDOR_KEY: ' ',
      CATALOG_VENDOR_DEADLINE_MS: '0',
      CATALOG_BREAKER_ERROR_PERCENT: '150',
      CATALOG_RETRY_MAX_ATTEMPTS: 'three',
      CATALOG_BATCHING: 'maybe',
      CATALOG_CACHE_TTL_MS: '-5',
    });
    expect(list).toHaveLength(6); // a blank key falls back to the sandbox default
    expect(list.join('\n')).toMatch(/CATALOG_VENDOR_URL: expected an absolute URL/);
    expect(list.join('\n')).toMatch(/CATALOG_VENDOR_DEADLINE_MS: expected an integer from 1 to 60000 \(ms\), got "0"/);
    expect(list.join('\n')).toMatch(/CATALOG_BREAKER_ERROR_PERCENT: expected an integer from 1 to 100/);
    expect(list.join('\n')).toMatch(/CATALOG_RETRY_MAX_ATTEMPTS: expected an integer from 1 to 10/);
    expect(list.join('\n')).toMatch(/CATALOG_BATCHING: expected true or false, got "maybe"/);
    expect(list.join('\n')).toMatch(/CATALOG_CACHE_TTL_MS: expected an integer from 0/);

    const secret = 'sk-live-SHOULD-NOT-APPEAR';
    const keyProblems = problems({ CATALOG_VENDOR_KEY: secret, CATALOG_VENDOR_CONNECTIONS: '0' });
    expect(keyProblems).toHaveLength(1);
    // a secret with a pattern failure would be hidden; check the generic path too
    const hidden = parseHidden(secret);
    expect(hidden).not.toContain(secret);
    expect(hidden).toContain('a value (hidden)');
  });

  it('builds vendor client options and the cache policy from the config', () => {
    const config = parseConfig('catalog', settings(), { CATALOG_VENDOR_KEY: 'k-1' });
    const logger = createLogger({ service: 'test', level: 'silent' });
    const options = toVendorClientOptions('commerce', config, logger, (key) => ({ kind: 'header', header: 'x-api-key', value: key }));
    expect(options).toMatchObject({
      name: 'commerce',
      baseUrl: 'http://127.0.0.1:4101',
      auth: { kind: 'header', header: 'x-api-key', value: 'k-1' },
      deadlineMs: 1000,
      connections: 32,
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 10, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 10_000, consecutiveFailures: 3 },
      retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 500, rateLimitedMinDelayMs: 500, budgetRatio: 0.1, retryAfterMaxMs: 60_000 },
    });
    expect(toCachePolicy(config)).toEqual({ ttlMs: 30_000, maxStaleMs: 300_000 });
  });
});

/** A secret setting that fails validation must be reported without its value. */
function parseHidden(secret: string): string {
  const s = vendorSettings('X', defaults);
  const strict = { ...s.vendorKey, parse: () => ({ ok: false as const, expected: 'a key starting with pk_' }) };
  try {
    parseConfig('x', { vendorKey: strict }, { X_VENDOR_KEY: secret });
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}
