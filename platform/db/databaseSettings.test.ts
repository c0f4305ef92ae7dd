import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parseConfig.js';
import { databaseSettings } from './databaseSettings.js';

const settings = databaseSettings('PAYMENTS', { dataDir: '.data/payments', schema: 'payments' });

describe('databaseSettings', () => {
  it('defaults to the embedded store in the service data dir and schema', () => {
    expect(parseConfig('payments', settings, {})).toEqual({ databaseUrl: undefined, dataDir: '.data/payments', databaseSchema: 'payments' });
  });

  it('takes the shared DATABASE_URL and the prefixed overrides', () => {
    const config = parseConfig('payments', settings, {
      DATABASE_URL: 'postgresql://app:pw@db:5432/shop',
      PAYMENTS_DATA_DIR: 'memory://',
      PAYMENTS_DATABASE_SCHEMA: 'payments_eu',
    });
    expect(config).toEqual({ databaseUrl: 'postgresql://app:pw@db:5432/shop', dataDir: 'memory://', databaseSchema: 'payments_eu' });
  });

  it('refuses a non-PostgreSQL URL and schema names that do not fit, all at once', () => {
    expect(() => parseConfig('payments', settings, { DATABASE_URL: 'mysql://db/shop', PAYMENTS_DATABASE_SCHEMA: 'Pay-ments' })).toThrow(
      /DATABASE_URL[\s\S]*PAYMENTS_DATABASE_SCHEMA/,
    );
    expect(() => parseConfig('payments', settings, { PAYMENTS_DATABASE_SCHEMA: 'p'.repeat(46) })).toThrow(/PAYMENTS_DATABASE_SCHEMA/);
    expect(parseConfig('payments', settings, { PAYMENTS_DATABASE_SCHEMA: 'p'.repeat(45) }).databaseSchema).toHaveLength(45);
  });
});
