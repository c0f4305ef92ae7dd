import { decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifierOptions } from '../../src/auth/createTokenVerifier.js';
import { InvalidTokenError } from '../../src/auth/InvalidTokenError.js';
import { KeySetUnavailableError } from '../../src/auth/KeySetUnavailableError.js';
import { sleep } from '../../../test/harness/testSubgraphs.js';
import { startLocalIssuer, type LocalIssuer } from './localIssuer.js';

const now = () => Math.floor(Date.now() / 1000);

function verifierFor(issuer: LocalIssuer, overrides: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({
    issuer: issuer.issuer,
    audience: 'mobile-graph',
    jwksUrl: issuer.jwksUrl,
    algorithms: ['RS256', 'ES256'],
    clockToleranceS: 30,
    jwksCooldownMs: 30_000,
    jwksMaxAgeMs: 600_000,
    jwksMaxStaleMs: 0,
    ...overrides,
  });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidTokenError);
  return (err as InvalidTokenError).description;
}

describe('access token verification', () => {
  let issuer: LocalIssuer;
  let rsaKid: string;
  let ecKid: string;
  beforeAll(async () => {
    issuer = await startLocalIssuer();
    rsaKid = await issuer.addKey('RS256');
    ecKid = await issuer.addKey('ES256');
  });
  afterAll(() => issuer.close());

  it('a valid token (RS256 or ES256) gives its viewer: sub and scopes', async () => {
    const verifier = verifierFor(issuer);
    await expect(verifier.verify(await issuer.sign({}, { kid: rsaKid }))).resolves.toEqual({
      userId: 'usr_0042',
      scopes: ['openid', 'profile', 'reviews:write'],
    });
    await expect(verifier.verify(await issuer.sign({ sub: 'usr_0007', scope: undefined }, { kid: ecKid }))).resolves.toEqual({ userId: 'usr_0007', scopes: [] });
  });

  it('reads an scp array, dropping elements that are not single scopes (no smuggling a second scope in with a space)', async () => {
    const verifier = verifierFor(issuer);
    const token = await issuer.sign({ scope: undefined, scp: ['openid', 'profile reviews:write', 'x"y', 7, ''] });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'usr_0042', scopes: ['openid'] });
  });

  it('refuses an expired token, beyond the clock skew only', async () => {
    const verifier = verifierFor(issuer);
    expect(await refusal(verifier.verify(await issuer.sign({ iat: now() - 600, exp: now() - 60 })))).toBe('The access token expired');
    await expect(verifier.verify(await issuer.sign({ iat: now() - 600, exp: now() - 10 }))).resolves.toMatchObject({ userId: 'usr_0042' });
  });

  it('refuses a token not valid yet (nbf), beyond the clock skew only', async () => {
    const verifier = verifierFor(issuer);
    expect(await refusal(verifier.verify(await issuer.sign({ nbf: now() + 120 })))).toBe('The access token is not valid yet');
    await expect(verifier.verify(await issuer.sign({ nbf: now() + 10 }))).resolves.toMatchObject({ userId: 'usr_0042' });
  });

  it('refuses another issuer, another audience, no subject, no expiry', async () => {
    const verifier = verifierFor(issuer);
    expect(await refusal(verifier.verify(await issuer.sign({ iss: 'https://evil.example/' })))).toBe('The access token is from another issuer');
    expect(await refusal(verifier.verify(await issuer.sign({ aud: 'another-api' })))).toBe('The access token is not for this API');
    expect(await refusal(verifier.verify(await issuer.sign({ sub: undefined })))).toBe('The access token names no subject');
    expect(await refusal(verifier.verify(await issuer.sign({ exp: undefined })))).toBe('The access token has an invalid exp claim');
  });

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({ sub: 'usr_0001', scope: 'admin' }).setIssuer(issuer.issuer).setAudience('mobile-graph').setExpirationTime(now() + 300).encode();
    expect(await refusal(verifierFor(issuer).verify(token))).toBe('The access token is signed with an algorithm that is not accepted');
  });

  it('refuses HS256 signed with the public key as the HMAC secret (PEM or JWK bytes)', async () => {
    const verifier = verifierFor(issuer);
    const secrets = [await issuer.publicPem(rsaKid), JSON.stringify(issuer.publicJwk(rsaKid))];
    for (const secret of secrets) {
      const token = await new SignJWT({ sub: 'usr_0001', scope: 'admin' })
        .setProtectedHeader({ alg: 'HS256', kid: rsaKid })
        .setIssuer(issuer.issuer)
        .setAudience('mobile-graph')
        .setExpirationTime(now() + 300)
        .sign(new TextEncoder().encode(secret));
      expect(await refusal(verifier.verify(token))).toBe('The access token is signed with an algorithm that is not accepted');
    }
  });

  it('refuses a tampered payload and garbage', async () => {
    const verifier = verifierFor(issuer);
    const [h, p, s] = (await issuer.sign()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'usr_0001' })).toString('base64url')}.${s}`;
    expect(await refusal(verifier.verify(tampered))).toBe('The access token signature is invalid');
    for (const garbage of ['garbage', 'a.b.c', '', `${h}.${p}`]) {
      expect(await refusal(verifier.verify(garbage))).toBe('The access token is malformed');
    }
  });
});

describe('the JWKS cache', () => {
  let issuer: LocalIssuer;
  beforeEach(async () => {
    issuer = await startLocalIssuer();
  });
  afterEach(() => issuer.close());

  /** Tokens whose kid the issuer never published (the signature does not matter: the kid is looked up first). */
  async function madeUpKidTokens(count: number): Promise<string[]> {
    const { privateKey } = await generateKeyPair('ES256');
    const exp = now() + 300;
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        new SignJWT({ sub: 'usr_0666', scope: 'openid' })
          .setProtectedHeader({ alg: 'ES256', kid: `made-up-${i}` })
          .setIssuer(issuer.issuer)
          .setAudience('mobile-graph')
          .setExpirationTime(exp)
          .sign(privateKey),
      ),
    );
  }

  it('a key rotation right after an unknown-kid fetch is accepted at once (same instant, injected clock)', async () => {
    const clock = { ms: 1_000_000 };
    const verifier = verifierFor(issuer, { now: () => clock.ms });
    await verifier.verify(await issuer.sign());
    expect(issuer.jwksRequests()).toBe(1);

    // Anyone can make the gateway fetch for a made-up kid…
    const [madeUp] = await madeUpKidTokens(1);
    expect(await refusal(verifier.verify(madeUp!))).toBe('The access token is signed with an unknown key');
    expect(issuer.jwksRequests()).toBe(2);

    // …and in the same millisecond the issuer rotates: its new key is fetched and accepted, not a 401 that signs the user out.
    await issuer.addKey('ES256');
    await expect(verifier.verify(await issuer.sign({ sub: 'usr_0100' }))).resolves.toMatchObject({ userId: 'usr_0100' });
    expect(issuer.jwksRequests()).toBe(3);
  });

  it('the same unknown kid refetches at most once per cooldown; made-up kids all together at most the per-minute budget', async () => {
    const clock = { ms: 1_000_000 };
    const verifier = verifierFor(issuer, { now: () => clock.ms, jwksCooldownMs: 30_000, jwksUnknownKidFetchesPerMinute: 5 });
    await verifier.verify(await issuer.sign());
    const tokens = await madeUpKidTokens(20);

    expect(await refusal(verifier.verify(tokens[0]!))).toBe('The access token is signed with an unknown key');
    expect(await refusal(verifier.verify(tokens[0]!))).toBe('The access token is signed with an unknown key');
    expect(issuer.jwksRequests()).toBe(2);
    clock.ms += 30_000;
    expect(await refusal(verifier.verify(tokens[0]!))).toBe('The access token is signed with an unknown key');
    expect(issuer.jwksRequests()).toBe(3);

    // A flood of made-up kids: what is left in the bucket (4 of 5) is all the issuer sees.
    for (const token of tokens.slice(1)) expect(await refusal(verifier.verify(token))).toBe('The access token is signed with an unknown key');
    expect(issuer.jwksRequests()).toBe(3 + 4);
    // A minute later the budget is back.
    clock.ms += 60_000;
    expect(await refusal(verifier.verify(tokens[19]!))).toBe('The access token is signed with an unknown key');
    expect(issuer.jwksRequests()).toBe(8);
  });

  it('key rotation: the new kid works without a restart; the old one until it leaves the JWKS and the cache expires', async () => {
    const verifier = verifierFor(issuer, { jwksCooldownMs: 100, jwksMaxAgeMs: 1_000 });
    const oldToken = await issuer.sign();
    const oldKid = decodeProtectedHeader(oldToken).kid!;
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId: 'usr_0042' });
    expect(issuer.jwksRequests()).toBe(1);

    await sleep(150);
    await issuer.addKey('RS256');
    const newToken = await issuer.sign({ sub: 'usr_0100' });
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ userId: 'usr_0100' });
    expect(issuer.jwksRequests()).toBe(2);

    // The issuer retires the old key; the cached set still has it, so old tokens pass until it is refetched.
    issuer.retireKey(oldKid);
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId: 'usr_0042' });
    expect(issuer.jwksRequests()).toBe(2);

    await sleep(1_050);
    expect(await refusal(verifier.verify(oldToken))).toBe('The access token is signed with an unknown key');
    expect(issuer.jwksRequests()).toBe(3);
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ userId: 'usr_0100' });
  });

  it.each([
    ['answers 500', 'error' as const],
    ['hangs past the fetch timeout', 'hang' as const],
  ])('a JWKS endpoint that %s is unavailability, not an invalid token', async (_, mode) => {
    issuer.setJwksMode(mode);
    const verifier = verifierFor(issuer, { jwksTimeoutMs: 200 });
    await expect(verifier.verify(await issuer.sign())).rejects.toBeInstanceOf(KeySetUnavailableError);
  });

  it('an issuer outage: known keys keep working for the max-stale window without hammering it, then unavailability', async () => {
    const stale: number[] = [];
    const verifier = verifierFor(issuer, { jwksMaxAgeMs: 1_000, jwksMaxStaleMs: 1_500, onStaleKeys: (_err, ageMs) => stale.push(ageMs) });
    const token = await issuer.sign();
    await verifier.verify(token);
    expect(issuer.jwksRequests()).toBe(1);

    await sleep(1_050);
    issuer.setJwksMode('error');
    for (let i = 0; i < 20; i++) await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'usr_0042' });
    // One failed refetch, not twenty: failures are retried at most once a second.
    expect(issuer.jwksRequests()).toBe(2);
    expect(stale.length).toBe(20);

    await sleep(1_550); // past max age + max stale
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(KeySetUnavailableError);

    issuer.setJwksMode('ok');
    await sleep(1_050); // the failure back-off has passed: the next token refetches and works again
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'usr_0042' });
  });

  it('an unreachable JWKS endpoint is unavailability too', async () => {
    const token = await issuer.sign();
    const jwksUrl = issuer.jwksUrl;
    await issuer.close();
    const verifier = verifierFor(issuer, { jwksUrl });
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(KeySetUnavailableError);
    issuer = await startLocalIssuer(); // for afterEach
  });
});
