import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { errorCodes } from '../../../platform/errors/errorCodes.js';
import type { AdmittedRoute } from '../../../platform/http/createHttpHandler.js';
import { HttpRefusal } from '../../../platform/http/HttpRefusal.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { NodeEnv } from '../config.js';
import { acceptsGzip } from './acceptsGzip.js';
import { clientSchemaSdl } from './clientSchemaSdl.js';
import type { ExplorerExample } from './ExplorerExample.js';
import { notModified } from './notModified.js';
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

/**
 * How long a browser may reuse the page without asking (s). Private: the page is the same
 * for everyone, but it depends on Accept at a URL that answers JSON to API clients, which a
 * shared cache should not have to sort out. After that, a request with its ETag gets a 304.
 */
const PAGE_MAX_AGE_S = 300;

/** Content types a browser may send cross-origin without a preflight: Apollo's CSRF prevention refuses them without a preflight header. */
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'] as const;

type Route = 'page' | 'redirect' | 'schema' | 'schemaMethod';

/**
 * The schema explorer, served by the gateway itself (works offline), as a route the HTTP
 * handler admits first (readiness, rate limits: the page is 9 MB, 2.4 MB gzipped):
 * - `GET /graphql` from a browser: GraphiQL, one page with every asset inline, a CSP of its
 *   own and an ETag; GraphQL GETs (and persisted-query GETs) still reach Apollo;
 * - `GET /` from a browser: a redirect to it;
 * - `GET /schema.graphql`: the client schema as SDL.
 * It takes nothing else.
 */
export function explorerRoute(options: ExplorerOptions): AdmittedRoute {
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

  const answers: Readonly<Record<Route, (req: IncomingMessage, res: ServerResponse) => Promise<void>>> = {
    async page(req, res) {
      let ready: ExplorerPage;
      try {
        ready = await page;
      } catch {
        // Logged once at start-up, not once per request.
        throw new HttpRefusal(500, 'INTERNAL_SERVER_ERROR', errorCodes.INTERNAL_SERVER_ERROR.message);
      }
      await sendPage(req, res, ready);
    },
    async redirect(_req, res) {
      res.statusCode = 302;
      res.setHeader('location', graphqlPath);
      res.setHeader('cache-control', 'no-store');
      res.end();
    },
    async schema(_req, res) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-length', schema.length);
      res.setHeader('cache-control', 'no-store');
      res.end(schema);
    },
    async schemaMethod() {
      throw new HttpRefusal(405, 'BAD_REQUEST', `${SCHEMA_PATH} is read with GET or HEAD.`, { allow: 'GET, HEAD' });
    },
  };

  return (req, url) => {
    const route = routeOf(req, url, graphqlPath);
    return route === undefined ? undefined : (res) => answers[route](req, res);
  };
}

function routeOf(req: IncomingMessage, url: URL, graphqlPath: string): Route | undefined {
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (url.pathname === SCHEMA_PATH) return read ? 'schema' : 'schemaMethod';
  if (!read || !prefersHtml(req.headers.accept)) return undefined;
  if (url.pathname === graphqlPath) return isGraphQLGet(url.searchParams, req.headers) ? undefined : 'page';
  return url.pathname === '/' ? 'redirect' : undefined;
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
  // One tag per representation: the gzipped bytes are not the plain ones.
  const etag = `"${page.contentHash}${gzip ? '-gzip' : ''}"`;
  res.setHeader('etag', etag);
  res.setHeader('cache-control', `private, max-age=${PAGE_MAX_AGE_S}`);
  // /graphql answers JSON to the same URL: the page depends on what the client accepts.
  res.setHeader('vary', 'accept, accept-encoding');
  // Replaces the production `default-src 'none'`: this page needs its script, and nothing else.
  // On a 304 too: a browser replaces the stored page's headers with those of the 304.
  res.setHeader('content-security-policy', page.contentSecurityPolicy);
  if (notModified(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    return void res.end();
  }
  const body = gzip ? await page.gzipped() : page.html;
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  if (gzip) res.setHeader('content-encoding', 'gzip');
  res.setHeader('content-length', body.length);
  res.end(body);
}
