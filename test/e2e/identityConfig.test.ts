import { describe, expect, it } from 'vitest';
import { runEntry } from '../harness/runEntry.js';

describe('identity keys in production', () => {
  it('the gateway refuses to start without GATEWAY_IDENTITY_PRIVATE_KEY, or with AUTH_ALGORITHMS=HS256', () => {
    const res = runEntry('gateway/src/main.ts', { NODE_ENV: 'production', AUTH_ALGORITHMS: 'HS256', GATEWAY_PORT: '0' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('GATEWAY_IDENTITY_PRIVATE_KEY: expected a private EC P-256 JWK');
    expect(res.stderr).toContain('required when NODE_ENV=production');
    expect(res.stderr).toContain('AUTH_ALGORITHMS: expected');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('a subgraph refuses to start without GATEWAY_IDENTITY_JWKS', () => {
    const res = runEntry('subgraphs/catalog/main.ts', { NODE_ENV: 'production', CATALOG_PORT: '0' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('GATEWAY_IDENTITY_JWKS: expected a JWKS');
    expect(res.stderr).toContain('required when NODE_ENV=production');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
