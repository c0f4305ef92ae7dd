import type { IncomingHttpHeaders } from 'node:http';
import { sameSecret } from './sameSecret.js';
import type { AuthScheme } from './types.js';

/** The key the caller presented, or null when it is missing or wrong (compared in constant time). */
export function checkAuth(scheme: AuthScheme, headers: IncomingHttpHeaders, apiKey: string): string | null {
  let presented: string | undefined;
  if (scheme.kind === 'header') {
    const v = headers[scheme.header.toLowerCase()];
    presented = Array.isArray(v) ? undefined : v;
  } else {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    presented = match?.[1];
  }
  if (presented === undefined) return null;
  return sameSecret(presented, apiKey) ? presented : null;
}

/** The headers that authenticate a request under `scheme`. */
export function authHeadersFor(scheme: AuthScheme, apiKey: string): Record<string, string> {
  return scheme.kind === 'header' ? { [scheme.header.toLowerCase()]: apiKey } : { authorization: `Bearer ${apiKey}` };
}
