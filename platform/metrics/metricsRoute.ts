import type { Registry } from 'prom-client';
import type { ExtraRoute } from '../http/createHttpHandler.js';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics in Prometheus' text format, as an extra route of a service's HTTP handler:
 * routes run before admission, so scrapes are never rate-limited or asked for a token.
 */
export function metricsRoute(registry: Registry): ExtraRoute {
  return async (req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== METRICS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('allow', 'GET, HEAD');
      res.end();
      return true;
    }
    const body = await registry.metrics();
    res.statusCode = 200;
    res.setHeader('content-type', registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
