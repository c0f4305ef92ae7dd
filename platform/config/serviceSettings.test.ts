import { describe, expect, it } from 'vitest';
import { generateIdentityKeys } from '../identity/generateIdentityKeys.js';
import { ConfigError } from './ConfigError.js';
import { parseConfig } from './parseConfig.js';
import { serviceSettings } from './serviceSettings.js';

const parse = (env: Record<string, string>) => parseConfig('test', serviceSettings('TEST', 4999), env);

function problems(f: () => unknown): readonly string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('serviceSettings: who may call a subgraph', () => {
  it('GATEWAY_IDENTITY_JWKS may be unset in development and test (anonymous callers only)', () => {
    expect(parse({}).identityJwks).toBeUndefined();
    expect(parse({}).nodeEnv).toBe('development');
    expect(parse({ NODE_ENV: 'test' }).identityJwks).toBeUndefined();
  });

  it('is required in production, and the error names the variable', () => {
    const found = problems(() => parse({ NODE_ENV: 'production' }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^GATEWAY_IDENTITY_JWKS: expected a JWKS .*required when NODE_ENV=production/);
  });

  it('is read and checked when set', async () => {
    const { publicJwks, privateJwk } = await generateIdentityKeys();
    expect(parse({ NODE_ENV: 'production', GATEWAY_IDENTITY_JWKS: publicJwks }).identityJwks).toBe(publicJwks);
    expect(problems(() => parse({ GATEWAY_IDENTITY_JWKS: '{"keys":' }))[0]).toMatch(/GATEWAY_IDENTITY_JWKS: .*not valid JSON/);
    const withPrivate = JSON.stringify({ keys: [JSON.parse(privateJwk)] });
    expect(problems(() => parse({ GATEWAY_IDENTITY_JWKS: withPrivate }))[0]).toMatch(/private key material/);
  });
});
