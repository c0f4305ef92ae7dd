import { describe, expect, it } from 'vitest';
import { generateIdentityKeys } from '../../../platform/identity/generateIdentityKeys.js';
import { parseGatewayConfig } from '../../src/config.js';
import { configError } from '../configError.js';

const problems = (env: Record<string, string>) => configError(env).problems;

describe('auth settings', () => {
  it('production without GATEWAY_IDENTITY_PRIVATE_KEY is refused, naming the variable', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^GATEWAY_IDENTITY_PRIVATE_KEY: expected a private EC P-256 JWK .*required when NODE_ENV=production/);
  });

  it('development and test may go without (an ephemeral key)', () => {
    expect(parseGatewayConfig({}).identityPrivateKey).toBeUndefined();
    expect(parseGatewayConfig({ NODE_ENV: 'test' }).identityPrivateKey).toBeUndefined();
  });

  it('a bad key is refused without echoing it', async () => {
    const { publicJwks, privateJwk } = await generateIdentityKeys();
    const publicOnly = JSON.stringify(JSON.parse(publicJwks).keys[0]);
    const [problem] = problems({ GATEWAY_IDENTITY_PRIVATE_KEY: publicOnly });
    expect(problem).toMatch(/GATEWAY_IDENTITY_PRIVATE_KEY: .*no "d".*got a value \(hidden\)/);
    expect(problem).not.toContain(JSON.parse(publicOnly).x);
    expect(problems({ GATEWAY_IDENTITY_PRIVATE_KEY: 'secret-but-not-json' })[0]).not.toContain('secret-but-not-json');
    expect(parseGatewayConfig({ NODE_ENV: 'production', GATEWAY_IDENTITY_PRIVATE_KEY: privateJwk }).identityPrivateKey).toBe(privateJwk);
  });

  it.each(['none', 'HS256', 'RS256,HS512', 'hs384', 'RS256, none'])('AUTH_ALGORITHMS=%s is refused: none and HS* are never accepted', (value) => {
    const [problem] = problems({ AUTH_ALGORITHMS: value });
    expect(problem).toMatch(/^AUTH_ALGORITHMS: expected a comma-separated list of asymmetric JWS algorithms/);
    expect(problem).toMatch(/refused: "none" accepts unsigned tokens and HS\* \(a shared secret\)/);
  });

  it('AUTH_ALGORITHMS must name known asymmetric algorithms', () => {
    expect(problems({ AUTH_ALGORITHMS: 'RS256,XYZ1' })[0]).toMatch(/unknown: XYZ1/);
    expect(problems({ AUTH_ALGORITHMS: ',' })[0]).toMatch(/^AUTH_ALGORITHMS/);
    expect(parseGatewayConfig({ AUTH_ALGORITHMS: ' ES256 , PS256,ES256' }).authAlgorithms).toEqual(['ES256', 'PS256']);
  });

  it('reads the issuer exactly (trailing slash kept, it is compared with iss) and derives the JWKS URL from it', () => {
    const config = parseGatewayConfig({
      AUTH_ISSUER: 'https://tenant.auth.example/',
      AUTH_AUDIENCE: 'https://api.example/graph',
      AUTH_CLOCK_SKEW_S: '5',
      AUTH_JWKS_COOLDOWN_MS: '1000',
      AUTH_JWKS_MAX_AGE_MS: '60000',
    });
    expect(config).toMatchObject({
      authIssuer: 'https://tenant.auth.example/',
      authJwksUrl: 'https://tenant.auth.example/.well-known/jwks.json',
      authAudience: 'https://api.example/graph',
      authClockSkewS: 5,
      authJwksCooldownMs: 1000,
      authJwksMaxAgeMs: 60000,
    });
    expect(parseGatewayConfig({ AUTH_JWKS_URL: 'https://keys.example/jwks' }).authJwksUrl).toBe('https://keys.example/jwks');
    expect(problems({ AUTH_ISSUER: 'not a url', AUTH_JWKS_URL: 'ftp://x/jwks' })).toEqual([
      'AUTH_ISSUER: expected an absolute http(s) URL, got "not a url"',
      'AUTH_JWKS_URL: expected an absolute http(s) URL, got "ftp://x/jwks"',
    ]);
  });
});
