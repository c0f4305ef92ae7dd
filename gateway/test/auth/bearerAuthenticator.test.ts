import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRefusal } from '../../../platform/http/HttpRefusal.js';
import { createBearerAuthenticator } from '../../src/auth/createBearerAuthenticator.js';
import { createTokenVerifier } from '../../src/auth/createTokenVerifier.js';
import { capturingLogger } from '../capturingLogger.js';
import { startLocalIssuer, type LocalIssuer } from './localIssuer.js';

/** The hook on its own, with a real verifier and a log we can read: what is logged, and that the token never is. */
describe('createBearerAuthenticator', () => {
  let issuer: LocalIssuer;
  const { logger, lines } = capturingLogger('test', 'debug');
  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(() => issuer.close());

  const authenticatorFor = (jwksUrl: string) =>
    createBearerAuthenticator({
      logger,
      verifier: createTokenVerifier({
        issuer: issuer.issuer,
        audience: 'mobile-graph',
        jwksUrl,
        algorithms: ['RS256'],
        clockToleranceS: 30,
        jwksCooldownMs: 30_000,
        jwksMaxAgeMs: 600_000,
        jwksMaxStaleMs: 0,
      }),
    });
  const request = (authorization?: string) => ({ req: { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage, requestId: 'req-1' });

  it('no header → null; a valid token → its viewer', async () => {
    const authenticate = authenticatorFor(issuer.jwksUrl);
    await expect(authenticate(request())).resolves.toBeNull();
    await expect(authenticate(request(`Bearer ${await issuer.sign()}`))).resolves.toMatchObject({ userId: 'usr_0042' });
  });

  it('a refused token is logged with its reason and request id, never the token itself', async () => {
    lines.length = 0;
    const token = await issuer.sign({ aud: 'someone-else' });
    const err = await authenticatorFor(issuer.jwksUrl)(request(`Bearer ${token}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpRefusal);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const log = lines.join('');
    expect(log).toContain('"level":30');
    expect(log).toContain('"reason":"The access token is not for this API"');
    expect(log).toContain('"requestId":"req-1"');
    expect(log).not.toContain(token.split('.')[1]);
  });

  it('an unreachable JWKS is logged as an error and answered 503', async () => {
    lines.length = 0;
    const token = await issuer.sign();
    const err = await authenticatorFor(`${issuer.issuer}/no-such-jwks`)(request(`Bearer ${token}`)).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const log = lines.join('');
    expect(log).toContain('"level":50');
    expect(log).toContain('JWKS');
    expect(log).not.toContain(token.split('.')[1]);
  });
});
