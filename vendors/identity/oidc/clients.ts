import { isSupportedScope, SUPPORTED_SCOPES, type Scope } from './scopes.js';

export type GrantType = 'authorization_code' | 'refresh_token' | 'password';

export interface OAuthClientConfig {
  clientId: string;
  /** Absent: a public client (a native app cannot keep a secret), identified by `client_id` alone. */
  clientSecret?: string;
  /** Compared exactly (RFC 6749 §3.1.2, no prefix matching). */
  redirectUris?: readonly string[];
  /** Also accept any `http://127.0.0.1:<port>/<path>` (or `[::1]`), per RFC 8252 §7.3. */
  allowLoopbackRedirects?: boolean;
  grantTypes: readonly GrantType[];
  scopes: readonly Scope[];
  /** PKCE S256 required on /authorize; always true for public clients. */
  requirePkce?: boolean;
}

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUris: readonly string[];
  readonly allowLoopbackRedirects: boolean;
  readonly grantTypes: readonly GrantType[];
  readonly scopes: readonly Scope[];
  readonly requirePkce: boolean;
}

export const MOBILE_APP_CLIENT_ID = 'mobile-app';
export const MOBILE_APP_REDIRECT_URI = 'com.example.shop:/oauth/callback';
export const ACCOUNTS_CLIENT_ID = 'mobile-graph-accounts';
export const DEFAULT_ACCOUNTS_CLIENT_SECRET = 'sandbox-accounts-client-secret';

/** The mobile app (public, PKCE) and the accounts service (confidential, first-party password grant). */
export function defaultOAuthClients(accountsClientSecret: string = DEFAULT_ACCOUNTS_CLIENT_SECRET): OAuthClientConfig[] {
  return [
    {
      clientId: MOBILE_APP_CLIENT_ID,
      redirectUris: [MOBILE_APP_REDIRECT_URI],
      allowLoopbackRedirects: true,
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: [...SUPPORTED_SCOPES],
      requirePkce: true,
    },
    {
      clientId: ACCOUNTS_CLIENT_ID,
      clientSecret: accountsClientSecret,
      grantTypes: ['password', 'refresh_token'],
      scopes: [...SUPPORTED_SCOPES],
    },
  ];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/** The registered clients; refuses a configuration that could not work, listing every problem. */
export class ClientRegistry {
  private readonly clients = new Map<string, OAuthClient>();

  constructor(configs: readonly OAuthClientConfig[]) {
    const problems: string[] = [];
    for (const c of configs) {
      const isPublic = c.clientSecret === undefined;
      if (c.clientId.length === 0) problems.push('a client has an empty clientId');
      if (this.clients.has(c.clientId)) problems.push(`client ${c.clientId} is registered twice`);
      if (c.clientSecret === '') problems.push(`client ${c.clientId}: clientSecret must not be empty (omit it for a public client)`);
      if (isPublic && c.grantTypes.includes('password')) problems.push(`client ${c.clientId}: the password grant needs a confidential client`);
      const redirects = (c.redirectUris?.length ?? 0) > 0 || c.allowLoopbackRedirects === true;
      if (c.grantTypes.includes('authorization_code') && !redirects) problems.push(`client ${c.clientId}: authorization_code needs a redirect URI`);
      const badScopes = c.scopes.filter((s) => !isSupportedScope(s));
      if (badScopes.length > 0) problems.push(`client ${c.clientId}: unknown scopes ${badScopes.join(' ')}`);
      this.clients.set(
        c.clientId,
        Object.freeze({
          clientId: c.clientId,
          clientSecret: c.clientSecret ?? null,
          redirectUris: Object.freeze([...(c.redirectUris ?? [])]),
          allowLoopbackRedirects: c.allowLoopbackRedirects ?? false,
          grantTypes: Object.freeze([...c.grantTypes]),
          scopes: Object.freeze([...c.scopes]),
          requirePkce: isPublic || (c.requirePkce ?? false),
        }),
      );
    }
    if (problems.length > 0) throw new TypeError(`invalid OAuth clients: ${problems.join('; ')}`);
  }

  get(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  /** Exact match with a registered URI, or (if allowed) a loopback URI with any port and path. */
  redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
    if (client.redirectUris.includes(redirectUri)) return true;
    if (!client.allowLoopbackRedirects) return false;
    let url: URL;
    try {
      url = new URL(redirectUri);
    } catch {
      return false;
    }
    return (
      url.protocol === 'http:' &&
      LOOPBACK_HOSTS.has(url.hostname) &&
      url.username === '' &&
      url.password === '' &&
      !redirectUri.includes('#') &&
      // The authority must be written as the loopback literal, not merely resolve to it.
      /^http:\/\/(127\.0\.0\.1|\[::1\])(:\d{1,5})?(\/|\?|$)/.test(redirectUri)
    );
  }
}
