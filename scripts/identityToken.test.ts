import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIdentityVerifier } from '../platform/identity/createIdentityVerifier.js';
import { generateIdentityKeys, type IdentityKeys } from '../platform/identity/generateIdentityKeys.js';
import { subgraphEntries } from '../platform/registry/services.js';
import { parseIdentityTokenArgs } from './identityTokenArgs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let keys: IdentityKeys;
beforeAll(async () => {
  keys = await generateIdentityKeys();
});

const errorsOf = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseIdentityTokenArgs(argv, { GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk, ...env });
  return parsed.ok ? [] : parsed.errors;
};

describe('npm run token:identity: arguments', () => {
  it('needs a subgraph of the registry, and lists them', () => {
    const all = subgraphEntries.map((s) => s.name).join(', ');
    expect(errorsOf([])).toEqual([expect.stringMatching(/^usage: npm run -s token:identity -- <subgraph>/)]);
    expect(errorsOf([])[0]).toContain(all);
    expect(errorsOf(['weather'])).toEqual([expect.stringContaining(`unknown subgraph "weather"; subgraphs in platform/registry/services.ts: ${all}`)]);
  });

  it('refuses NODE_ENV=production', () => {
    expect(errorsOf(['reviews'], { NODE_ENV: 'production' })).toEqual([expect.stringContaining('refusing to mint an identity token with NODE_ENV=production')]);
  });

  it('needs a usable private key, and --user for --scope, listing every problem at once', () => {
    expect(errorsOf(['reviews', '--scope', 'openid'], { GATEWAY_IDENTITY_PRIVATE_KEY: '' })).toEqual([
      '--scope needs --user (an anonymous caller has no scopes)',
      expect.stringContaining('no signing key: pass --private-key or set GATEWAY_IDENTITY_PRIVATE_KEY (npm run keys:identity'),
    ]);
    expect(errorsOf(['reviews', '--private-key', keys.publicJwks])).toEqual([expect.stringContaining('the signing key is unusable')]);
    expect(errorsOf(['reviews', '--user'])).toEqual([expect.stringContaining("Option '--user <value>' argument missing")]);
    expect(errorsOf(['reviews', '--role', 'admin'])).toEqual([expect.stringContaining("Unknown option '--role'")]);
  });

  it('takes the key from --private-key before the environment', () => {
    const parsed = parseIdentityTokenArgs(['catalog', '--private-key', keys.privateJwk], {});
    expect(parsed).toEqual({ ok: true, request: { subgraph: 'catalog', viewer: null, privateJwk: keys.privateJwk } });
  });
});

describe('npm run token:identity: a real run', () => {
  it('prints only a token that the subgraph verifies, for that subgraph only', async () => {
    const run = spawnSync('npm', ['run', '-s', 'token:identity', '--', 'reviews', '--user', 'usr_0042', '--scope', 'openid reviews:write'], {
      cwd: root,
      env: { ...process.env, GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk, NODE_ENV: 'development' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = run.stdout.trim();
    const viewer = await createIdentityVerifier({ jwks: keys.publicJwks, audience: 'reviews' }).verify(token);
    expect(viewer).toEqual({ userId: 'usr_0042', scopes: ['openid', 'reviews:write'] });
    await expect(createIdentityVerifier({ jwks: keys.publicJwks, audience: 'catalog' }).verify(token)).rejects.toThrow();
  });

  it('exits 1 with the reason and prints no token when refused', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/identityToken.ts', 'reviews'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateJwk },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('token:identity: refusing to mint an identity token with NODE_ENV=production');
  });
});
