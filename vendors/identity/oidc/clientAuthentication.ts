import { sameSecret } from '../../sandbox/sameSecret.js';
import type { ClientRegistry, OAuthClient } from './clients.js';
import { OAuthError } from './oauthErrors.js';
import type { OAuthParams } from './requestParams.js';

/** RFC 6749 §2.3.1: client_id and secret are form-encoded before they are joined with ':'. */
function decodeFormComponent(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

function basicCredentials(authorization: string | undefined): { clientId: string; secret: string } | 'malformed' | null {
  if (authorization === undefined || !/^Basic\s/i.test(authorization)) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (match === null) return 'malformed';
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return { clientId: decodeFormComponent(decoded.slice(0, colon)), secret: decodeFormComponent(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/**
 * Who is calling the token endpoint: a public client names itself with `client_id`; a
 * confidential one proves itself with its secret, in the body (client_secret_post) or in
 * `Authorization: Basic` (client_secret_basic), never both (RFC 6749 §2.3).
 */
export function authenticateClient(params: OAuthParams, authorization: string | undefined, clients: ClientRegistry): OAuthClient {
  const basic = basicCredentials(authorization);
  const challenge: Record<string, string> = basic === null ? {} : { 'www-authenticate': 'Basic realm="IdentiCo", charset="UTF-8"' };
  const refuse = (description: string): never => {
    throw new OAuthError('invalid_client', description, challenge);
  };
  if (basic === 'malformed') return refuse('Malformed Basic authorization header.');

  let clientId: string | undefined;
  let secret: string | undefined;
  if (basic !== null) {
    if (params.has('client_secret')) throw new OAuthError('invalid_request', 'Use one client authentication method, not Basic and client_secret together.');
    const bodyId = params.get('client_id');
    if (bodyId !== undefined && bodyId !== basic.clientId) throw new OAuthError('invalid_request', 'client_id does not match the Basic credentials.');
    ({ clientId, secret } = basic);
  } else {
    clientId = params.get('client_id');
    secret = params.get('client_secret');
  }

  if (clientId === undefined) return refuse('Client authentication failed: no client_id.');
  const client = clients.get(clientId);
  if (client === undefined) return refuse('Client authentication failed: unknown client.');
  if (client.clientSecret === null) {
    if (secret !== undefined && secret !== '') refuse('Client authentication failed: this is a public client and has no secret.');
    return client;
  }
  if (secret === undefined || secret === '') return refuse('Client authentication failed: this client must authenticate with its secret.');
  if (!sameSecret(secret, client.clientSecret)) refuse('Client authentication failed: wrong client secret.');
  return client;
}
