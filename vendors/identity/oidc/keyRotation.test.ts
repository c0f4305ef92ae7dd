import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../startSandbox.js';
import { passwordSignIn, signUp, uniqueEmail } from '../identityTestClient.js';

let sandbox: Sandbox;
let email: string;
const PASSWORD = 'rotate the keys now';
const jwks = async (): Promise<JSONWebKeySet> => (await (await fetch(`${sandbox.identity.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
const verify = async (token: string, opts: { audience?: string; issuer?: string } = {}) =>
  jwtVerify(token, createLocalJWKSet(await jwks()), { issuer: opts.issuer ?? sandbox.identity.url, audience: opts.audience ?? 'mobile-graph' });
const signIn = async () => (await passwordSignIn(sandbox.identity, { username: email, password: PASSWORD })).access_token;

beforeAll(async () => {
  sandbox = await startSandbox({ vendors: { reviews: { rateLimit: null } } });
  email = uniqueEmail('keys');
  await signUp(sandbox.identity, { email, password: PASSWORD, name: 'Kim Keys' });
});
afterAll(async () => {
  await sandbox.close();
});

describe('signing key rotation', () => {
  it('signs new tokens with the new kid; old-kid tokens verify while retiring and stop once retired', async () => {
    const { oidc } = sandbox.identity;
    const oldKid = oidc.activeKid();
    const oldToken = await signIn();
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

    const rotated = await oidc.rotateKeys();
    expect(rotated.activeKid).not.toBe(oldKid);
    expect(rotated.retiringKids).toEqual([oldKid]);
    expect(oidc.activeKid()).toBe(rotated.activeKid);
    const newToken = await signIn();
    expect(decodeProtectedHeader(newToken).kid).toBe(rotated.activeKid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([oldKid, rotated.activeKid]);
    await expect(verify(oldToken)).resolves.toBeDefined();
    await expect(verify(newToken)).resolves.toBeDefined();

    expect(oidc.retireKeys()).toEqual({ removedKids: [oldKid] });
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([rotated.activeKid]);
    await expect(verify(oldToken)).rejects.toThrow();
    await expect(verify(newToken)).resolves.toBeDefined();
    expect(oidc.retireKeys()).toEqual({ removedKids: [] });
  });
});

describe('signAccessToken (tests only)', () => {
  it('fills in a valid access token and takes the given claims over it', async () => {
    const { oidc } = sandbox.identity;
    const token = await oidc.signAccessToken({ sub: 'usr_0042', scope: 'openid', custom: 'yes' });
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: oidc.activeKid(), typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: sandbox.identity.url, aud: 'mobile-graph', sub: 'usr_0042', scope: 'openid', client_id: 'mobile-app', custom: 'yes' });
    expect(typeof payload.jti).toBe('string');

    const now = Math.floor(Date.now() / 1000);
    const expired = await oidc.signAccessToken({ sub: 'usr_0001', iat: now - 3600, nbf: now - 3600, exp: now - 60 });
    await expect(verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    const early = await oidc.signAccessToken({ sub: 'usr_0001', nbf: now + 3600 });
    await expect(verify(early)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' });
    await expect(verify(await oidc.signAccessToken({ sub: 'usr_0001', aud: 'someone-else' }))).rejects.toMatchObject({ claim: 'aud' });
    await expect(verify(await oidc.signAccessToken({ sub: 'usr_0001', iss: 'https://evil.example' }))).rejects.toMatchObject({ claim: 'iss' });
    const noExp = await oidc.signAccessToken({ sub: 'usr_0001', exp: undefined });
    expect((await verify(noExp)).payload.exp).toBeUndefined();
  });

  it('signs with a given published kid or header, and refuses an unknown kid', async () => {
    const { oidc } = sandbox.identity;
    const previous = oidc.activeKid();
    await oidc.rotateKeys();
    const byOld = await oidc.signAccessToken({ sub: 'usr_0001' }, { kid: previous });
    expect(decodeProtectedHeader(byOld).kid).toBe(previous);
    await expect(verify(byOld)).resolves.toBeDefined();
    const odd = await oidc.signAccessToken({ sub: 'usr_0001' }, { header: { typ: 'JWT', kid: 'no-such-kid' } });
    expect(decodeProtectedHeader(odd)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: 'no-such-kid' });
    await expect(verify(odd)).rejects.toThrow();
    await expect(oidc.signAccessToken({}, { kid: 'no-such-kid' })).rejects.toThrow(/no signing key/);
  });

  it('a token signed by a foreign key with a real kid does not verify', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    expect((await exportJWK(publicKey)).d).toBeUndefined();
    const forged = await new SignJWT({ sub: 'usr_0001', scope: 'reviews:write' })
      .setProtectedHeader({ alg: 'RS256', kid: sandbox.identity.oidc.activeKid() })
      .setIssuer(sandbox.identity.url)
      .setAudience('mobile-graph')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verify(forged)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });
});
