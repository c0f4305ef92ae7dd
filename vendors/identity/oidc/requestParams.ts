import type { RouteRequest } from '../../sandbox/types.js';
import { OAuthError } from './oauthErrors.js';

/** Parameters of an OAuth request: each at most once, and an empty value means absent (RFC 6749 §3.1). */
export type OAuthParams = ReadonlyMap<string, string>;

function singleValued(entries: Iterable<[string, string]>): OAuthParams {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (seen.has(name)) throw new OAuthError('invalid_request', `Parameter '${name.slice(0, 50)}' must not be repeated.`);
    seen.add(name);
    if (value !== '') out.set(name, value);
  }
  return out;
}

/** A token request's parameters, from a form (the standard) or a JSON object (Auth0 accepts both). */
export function bodyParams(req: Pick<RouteRequest, 'form' | 'body'>): OAuthParams {
  if (req.form !== null) return singleValued(req.form);
  const { body } = req;
  if (body.kind === 'none') throw new OAuthError('invalid_request', 'A form-urlencoded or JSON body is required.');
  if (body.kind === 'invalid' || body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded or a JSON object.');
  }
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(body.value as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `Parameter '${name.slice(0, 50)}' must be a string.`);
    entries.push([name, value]);
  }
  return singleValued(entries);
}

export function required(params: OAuthParams, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw new OAuthError('invalid_request', `Missing required parameter: ${name}.`);
  return value;
}
