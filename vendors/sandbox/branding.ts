import { randomBytes } from 'node:crypto';
import type { VendorDefinition } from './types.js';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'request_too_large',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export interface Branding {
  /** The vendor's JSON error body: brand, internal host and docs link on purpose, so leaks are easy to grep. */
  errorBody(type: string, message: string, details?: Record<string, unknown>): { error: Record<string, unknown> };
  /** What this vendor answers with `status` when nothing more specific applies. */
  statusBody(status: number, why: string): { error: Record<string, unknown> };
  internalErrorBody(): { error: Record<string, unknown> };
  /** The HTML page a load balancer in front of the vendor shows during an outage. */
  outagePage(): string;
  /** Headers every answer carries, like a real vendor's edge does. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Real vendors put their name, hosts and stack hints in error bodies and headers. The sandbox
 * does the same, deliberately, so that tests can prove none of it ever reaches a client.
 */
export function createBranding(def: Pick<VendorDefinition, 'brand' | 'internalHost'>): Branding {
  const { brand, internalHost } = def;
  const docs = `https://developers.${brand.toLowerCase()}.example/docs/errors`;
  const trace = (): string => randomBytes(8).toString('hex');
  const errorBody = (type: string, message: string, details: Record<string, unknown> = {}): { error: Record<string, unknown> } => ({
    error: { type, message: `${brand} API: ${message}`, vendor: brand, ...details, docs_url: `${docs}#${type}` },
  });
  return {
    errorBody,
    statusBody: (status, why) =>
      errorBody(TYPE_BY_STATUS[status] ?? `http_${status}`, `${why} (HTTP ${status} from ${internalHost}, trace ${trace()})`),
    internalErrorBody: () => ({
      error: {
        type: 'internal_error',
        message: `${brand} internal error at ${internalHost} (trace ${trace()}): upstream worker raised ${brand}InternalException`,
        vendor: brand,
        docs_url: `${docs}#internal_error`,
      },
    }),
    outagePage: () =>
      `<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n` +
      `<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n` +
      `<hr><center>${brand} edge (${brand.toLowerCase()}-lb-01.${internalHost})</center>\r\n</body>\r\n</html>\r\n`,
    headers: Object.freeze({ server: `${brand}-API/2.4`, 'x-powered-by': `${brand} Platform` }),
  };
}
