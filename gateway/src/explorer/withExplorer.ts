import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { errorCodes, type ErrorCode } from '../../../platform/errors/errorCodes.js';
import type { HttpHandler } from '../../../platform/http/createHttpHandler.js';
import { REQUEST_ID_HEADER, resolveRequestId } from '../../../platform/http/requestId.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { NodeEnv } from '../config.js';
import { acceptsGzip } from './acceptsGzip.js';
import { clientSchemaSdl } from './clientSchemaSdl.js';
import type { ExplorerExample } from './ExplorerExample.js';
import { prefersHtml } from './prefersHtml.js';
import type { ExplorerPage } from './renderExplorerPage.js';

export interface ExplorerOptions {
  readonly supergraphSdl: string;
  readonly examples: readonly ExplorerExample[];
  readonly nodeEnv: NodeEnv;
  /** Default '/graphql'. */
  readonly graphqlPath?: string;
  /** Where a page that cannot be rendered is reported, at start-up. */
  readonly logger?: Logger;
}

/** Where the client schema is served, as SDL. */
export const SCHEMA_PATH = '/schema.graphql';

/** Content types a browser may send cross-origin without a preflight: Apollo's CSRF prevention refuses them without a preflight header. */
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'] as const;

/**
 * The schema explorer, served by the gateway itself (works offline):
 * - `GET /graphql` from a browser: GraphiQL, one page with every asset inline and a CSP
 *   of its own; GraphQL GETs (and persisted-query GETs) still reach Apollo;
 * - `GET /` from a browser: a redirect to it;
 * - `GET /schema.graphql`: the client schema as SDL.
 * Everything else goes to `handler`.
 */
export function withExplorer(handler: HttpHandler, options: ExplorerOptions): HttpHandler {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const schema = Buffer.from(clientSchemaSdl(options.supergraphSdl), 'utf8');
  // GraphiQL is 9 MB of JavaScript: only a gateway that serves it loads it, and only once.
  // Saying so in the title keeps anyone from mistaking production for a sandbox.
  const title = options.nodeEnv === 'production' ? 'Explorer (production)' : 'Explorer';
  const page: Promise<ExplorerPage> = import('./renderExplorerPage.js').then(({ renderExplorerPage }) =>
    renderExplorerPage({ examples: options.examples, graphqlPath, title }),
  );
  // Said once, at start-up; each request for the page then gets a 500.
  page.catch((err: unknown) => options.logger?.error({ err }, 'the explorer page could not be rendered'));

  return (req, res) => {
    let route: Route;
    try {
      route = routeOf(req, graphqlPath);
    } catch {
      // A request target no URL parser takes: the GraphQL handler answers it as it answers any other.
      route = 'other';
    }
    if (route === 'other') return handler(req, res);
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    switch (route) {
      case 'page':
        return void page
          .then((ready) => sendPage(req, res, ready))
          .catch(() => {
            if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', requestId);
            else res.destroy();
          });
      case 'redirect':
        res.statusCode = 302;
        res.setHeader('location', graphqlPath);
        res.setHeader('cache-control', 'no-store');
        return void res.end();
      case 'schema':
        res.statusCode = 200;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.setHeader('content-length', schema.length);
        res.setHeader('cache-control', 'no-store');
        return void res.end(schema);
      case 'schemaMethod':
        res.setHeader('allow', 'GET, HEAD');
        return sendError(res, 405, 'BAD_REQUEST', requestId, `${SCHEMA_PATH} is read with GET or HEAD.`);
    }
  };
}

type Route = 'page' | 'redirect' | 'schema' | 'schemaMethod' | 'other';

function routeOf(req: IncomingMessage, graphqlPath: string): Route {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (url.pathname === SCHEMA_PATH) return read ? 'schema' : 'schemaMethod';
  if (!read || !prefersHtml(req.headers.accept)) return 'other';
  if (url.pathname === graphqlPath) return isGraphQLGet(url.searchParams, req.headers) ? 'other' : 'page';
  return url.pathname === '/' ? 'redirect' : 'other';
}

/**
 * A GET that Apollo would run: it has an operation (`query`, or `extensions` with a
 * persisted query's hash) and passes Apollo's CSRF prevention. A browser's navigation
 * never passes it, so `/graphql?query=…` typed in (or reloaded: GraphiQL writes the
 * edited query into the URL) opens the explorer on that query instead of a 400.
 */
function isGraphQLGet(search: URLSearchParams, headers: IncomingHttpHeaders): boolean {
  if (!search.has('query') && !search.has('extensions')) return false;
  if (PREFLIGHT_HEADERS.some((name) => (headers[name]?.length ?? 0) > 0)) return true;
  const contentType = headers['content-type'];
  if (contentType === undefined) return false;
  // As Apollo reads it: a content type that is not one of the simple ones needed a preflight.
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return !SIMPLE_CONTENT_TYPES.includes(essence);
}

async function sendPage(req: IncomingMessage, res: ServerResponse, page: ExplorerPage): Promise<void> {
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? await page.gzipped() : page.html;
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  // Replaces the production `default-src 'none'`: this page needs its script, and nothing else.
  res.setHeader('content-security-policy', page.contentSecurityPolicy);
  res.setHeader('cache-control', 'no-store');
  // /graphql answers JSON to the same URL: the page depends on what the client accepts.
  res.setHeader('vary', 'accept, accept-encoding');
  if (gzip) res.setHeader('content-encoding', 'gzip');
  res.setHeader('content-length', body.length);
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, requestId: string, message: string = errorCodes[code].message): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] }));
}
