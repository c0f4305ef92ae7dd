import type { HttpHandler } from '../../../platform/http/createHttpHandler.js';
import type { NodeEnv } from '../config.js';

/** Headers every answer of an API carries: no sniffing, no referrer, no framing, no cross-origin reads. */
const EVERYWHERE: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Production only: a CSP that allows nothing (an API answers JSON, never a page that
 * loads anything), and HSTS (TLS terminates in front of the gateway in production; on a
 * developer's http://127.0.0.1 it would be meaningless). The explorer page, when EXPLORER
 * serves it, replaces this CSP with its own (src/explorer/explorerRoute.ts), in every
 * environment: its one inline script by hash, and nothing from any other origin.
 */
const PRODUCTION: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

/** The security headers of the environment, by name. */
export function securityHeaders(nodeEnv: NodeEnv): Readonly<Record<string, string>> {
  return nodeEnv === 'production' ? { ...EVERYWHERE, ...PRODUCTION } : EVERYWHERE;
}

/** Wraps the HTTP handler so that every answer (GraphQL, health, 404, 413, 429 …) carries the security headers. */
export function withSecurityHeaders(handler: HttpHandler, nodeEnv: NodeEnv): HttpHandler {
  const headers = Object.entries(securityHeaders(nodeEnv));
  return (req, res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    handler(req, res);
  };
}
