import { describe, expect, it } from 'vitest';
import { ClientRegistry, defaultOAuthClients, type OAuthClient } from './clients.js';
import { isCodeVerifier, s256Challenge, verifyS256 } from './pkce.js';
import { grantScopes, narrowScopes, SUPPORTED_SCOPES } from './scopes.js';

describe('OAuth clients', () => {
  const registry = new ClientRegistry(defaultOAuthClients());
  const app = registry.get('mobile-app') as OAuthClient;

  it('has the documented defaults', () => {
    expect(app).toMatchObject({ clientSecret: null, requirePkce: true, grantTypes: ['authorization_code', 'refresh_token'], scopes: SUPPORTED_SCOPES });
    expect(registry.get('mobile-graph-accounts')).toMatchObject({
      clientSecret: 'sandbox-accounts-client-secret',
      grantTypes: ['password', 'refresh_token'],
      redirectUris: [],
    });
    expect(new ClientRegistry(defaultOAuthClients('other')).get('mobile-graph-accounts')?.clientSecret).toBe('other');
  });

  it('matches the app’s redirect URI exactly and loopback URIs on any port and path', () => {
    const allowed = ['com.example.shop:/oauth/callback', 'http://127.0.0.1:1/', 'http://127.0.0.1:65535/a/b?c=d', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb'];
    const refused = [
      'com.example.shop:/oauth/callback/',
      'com.example.shop:/oauth/callback?x=1',
      'com.example.shop://oauth/callback',
      'https://127.0.0.1:8080/cb',
      'http://localhost:8080/cb',
      'http://127.0.0.2:8080/cb',
      'http://127.1:8080/cb',
      'http://user:pw@127.0.0.1:8080/cb',
      'http://127.0.0.1:8080/cb#frag',
      'http://127.0.0.1.evil.example/cb',
      'not a uri',
    ];
    for (const uri of allowed) expect(registry.redirectAllowed(app, uri), uri).toBe(true);
    for (const uri of refused) expect(registry.redirectAllowed(app, uri), uri).toBe(false);
  });

  it('refuses configurations that cannot work, listing every problem', () => {
    expect(
      () =>
        new ClientRegistry([
          { clientId: 'a', grantTypes: ['password'], scopes: ['openid'] },
          { clientId: 'a', clientSecret: '', grantTypes: ['authorization_code'], scopes: ['openid', 'admin' as 'openid'] },
        ]),
    ).toThrow(/password grant needs a confidential client.*registered twice.*must not be empty.*needs a redirect URI.*unknown scopes admin/);
  });
});

describe('PKCE S256', () => {
  it('matches RFC 7636 Appendix B', () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(s256Challenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(verifyS256(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(verifyS256(`${verifier}x`, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
  });

  it('accepts 43..128 unreserved characters only', () => {
    expect(isCodeVerifier('a'.repeat(43))).toBe(true);
    expect(isCodeVerifier('A-._~'.repeat(25) + 'abc')).toBe(true);
    expect(isCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isCodeVerifier(`${'a'.repeat(42)}+`)).toBe(false);
  });
});

describe('scopes', () => {
  it('grants requested ∩ allowed in canonical order, defaults when none asked, refuses unknown ones', () => {
    expect(grantScopes('reviews:write openid', SUPPORTED_SCOPES, [])).toEqual({ ok: true, scopes: ['openid', 'reviews:write'] });
    expect(grantScopes('openid email', ['openid'], [])).toEqual({ ok: true, scopes: ['openid'] });
    expect(grantScopes(undefined, SUPPORTED_SCOPES, ['openid', 'profile'])).toEqual({ ok: true, scopes: ['openid', 'profile'] });
    expect(grantScopes('openid admin', SUPPORTED_SCOPES, [])).toMatchObject({ ok: false });
    expect(grantScopes('email', ['openid'], [])).toMatchObject({ ok: false });
    expect(narrowScopes('openid', ['openid', 'email'])).toEqual({ ok: true, scopes: ['openid'] });
    expect(narrowScopes('profile', ['openid'])).toMatchObject({ ok: false });
  });
});
