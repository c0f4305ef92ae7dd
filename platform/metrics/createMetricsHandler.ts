import type { Registry } from 'prom-client';
import type { HttpHandler } from '../http/createHttpHandler.js';
import { metricsRoute } from './metricsRoute.js';

/**
 * An HTTP handler that serves only /metrics (and /healthz), for a listener of its own
 * (`METRICS_PORT`): the gateway's public port in production, and workers with no HTTP server.
 */
export function createMetricsHandler(registry: Registry): HttpHandler {
  const route = metricsRoute(registry);
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz') {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end('{"status":"ok"}');
      return;
    }
    Promise.resolve(route(req, res, ''))
      .then((served) => {
        if (served) return;
        res.statusCode = 404;
        res.end();
      })
      .catch(() => {
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  };
}
