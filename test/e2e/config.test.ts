import { describe, expect, it } from 'vitest';
import { parseCatalogConfig } from '../../subgraphs/catalog/config.js';
import { parseGatewayConfig } from '../../gateway/src/config.js';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { runEntry } from '../harness/runEntry.js';

describe('configuration is validated once, at start-up', () => {
  it('a subgraph with bad values stops at once, naming every variable and what it expected', () => {
    const res = runEntry('subgraphs/catalog/main.ts', {
      CATALOG_PORT: 'eighty',
      CATALOG_VENDOR_DEADLINE_MS: '-5',
      CATALOG_VENDOR_URL: 'ftp://nowhere',
      REDIS_URL: 'http://not-redis',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('CATALOG_PORT: expected an integer from 0 to 65535');
    expect(res.stderr).toContain('CATALOG_VENDOR_DEADLINE_MS: expected an integer');
    expect(res.stderr).toContain('CATALOG_VENDOR_URL: expected an absolute URL');
    expect(res.stderr).toContain('REDIS_URL');
    // A clear message, not a stack trace.
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('the gateway with a bad value stops at once too', () => {
    const res = runEntry('gateway/src/main.ts', { GATEWAY_PORT: '70000' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('GATEWAY_PORT');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('never echoes a secret it refuses', () => {
    // A Redis URL carries its password; refused (not redis://), it must still not be printed.
    const password = 'hunter2-cache-password';
    const refused = caught(() => parseCatalogConfig({ REDIS_URL: `http://:${password}@cache.example` }));
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused?.message).toContain('REDIS_URL');
    expect(refused?.message).not.toContain(password);

    const err = caught(() => parseCatalogConfig({ CATALOG_BREAKER_ERROR_PERCENT: '500', CATALOG_RETRY_MAX_ATTEMPTS: '0', CATALOG_BATCHING: 'sometimes' }));
    expect(err?.problems).toHaveLength(3);
  });

  it('defaults are valid and frozen', () => {
    const config = parseCatalogConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.deadlineMs).toBe(1000);
    expect(parseGatewayConfig({}).port).toBe(4000);
  });
});

/** The ConfigError `parse` throws, or undefined when it throws none. */
function caught(parse: () => unknown): ConfigError | undefined {
  try {
    parse();
    return undefined;
  } catch (err) {
    return err as ConfigError;
  }
}
