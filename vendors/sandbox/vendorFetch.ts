import type { RunningVendor } from './types.js';

/**
 * `fetch` against a sandbox vendor with its auth headers (and JSON content type when a body
 * is given). For tests and the benchmark; subgraphs go through the kit's HTTP client instead.
 */
export function vendorFetch(vendor: Pick<RunningVendor, 'url' | 'authHeaders'>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(vendor.authHeaders)) if (!headers.has(name)) headers.set(name, value);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(`${vendor.url}${path}`, { ...init, headers });
}
