import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildSchema, isObjectType, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxVendorEntries } from '../../platform/registry/services.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { silentLogger, testIdentityKeys } from '../../test/harness/testSubgraphs.js';
import { parseGatewayConfig } from '../src/config.js';
import { createGateway, type Gateway } from '../src/createGateway.js';
import { clientSchemaSdl } from '../src/explorer/clientSchemaSdl.js';
import { examplesDocument } from '../src/explorer/examplesDocument.js';
import { loadExplorerExamples } from '../src/explorer/loadExplorerExamples.js';
import { prefersHtml } from '../src/explorer/prefersHtml.js';
import { renderExplorerPage } from '../src/explorer/renderExplorerPage.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUPERGRAPH = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const APOLLO_CLIENT = 'application/graphql-response+json,application/json;q=0.9';

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

/** node:http, not fetch: the bytes as sent (fetch would decompress gzip), for any header value. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

interface RunningGateway {
  readonly gateway: Gateway;
  readonly http: RunningHttpServer;
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

/** The gateway over the project's supergraph (no subgraph needed: these requests never reach one), with the app's examples. */
async function startGateway(env: Record<string, string>): Promise<RunningGateway> {
  const config = parseGatewayConfig({
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
    GATEWAY_IDENTITY_PRIVATE_KEY: (await testIdentityKeys()).privateJwk,
    ...env,
  });
  const examples = config.explorer ? loadExplorerExamples(config.persistedQueryManifest, ROOT) : [];
  const gateway = createGateway({ config, supergraphSdl: SUPERGRAPH, logger: silentLogger, examples });
  await gateway.start();
  const http = await startHttpServer(gateway.handler, { host: '127.0.0.1', port: 0 });
  return {
    gateway,
    http,
    origin: http.origin,
    url: `${http.origin}/graphql`,
    async close() {
      gateway.drain();
      await http.close(1_000);
      await gateway.stop();
    },
  };
}

/** The inline script of the page, and the CSP's directives by name. */
function inspectPage(html: string, csp: string) {
  const open = html.indexOf('<script>');
  const close = html.indexOf('</script>', open);
  const directives = new Map(csp.split(';').map((d): [string, string[]] => {
    const [name = '', ...values] = d.trim().split(/\s+/);
    return [name, values];
  }));
  return { script: html.slice(open + '<script>'.length, close), outsideScript: html.slice(0, open) + html.slice(close), directives };
}

interface Settings {
  readonly defaultQuery: string;
  readonly defaultHeaders: string;
}

/** The settings render-graphiql hands GraphiQL: the JSON argument that ends the page's script. */
function settingsOf(script: string): Settings {
  const json = /renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{.*\}),\s*\);\s*$/s.exec(script)?.[1];
  expect(json, 'the settings argument of renderYogaGraphiQL').toBeDefined();
  return JSON.parse(json!) as Settings;
}

/** What must never be named to a client: the vendors' brands, the subgraphs' addresses, federation's machinery. */
const FORBIDDEN = [...sandboxVendorEntries.flatMap((vendor) => [vendor.brand, vendor.brand.toLowerCase()]), 'localhost:40', 'join__', 'link__'];

function expectPageCsp(csp: string | string[] | undefined, script: string): void {
  expect(typeof csp).toBe('string');
  const { directives } = inspectPage('', csp as string);
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  expect(directives.get('default-src')).toEqual(["'none'"]);
  expect(directives.get('script-src')).toEqual([`'sha256-${hash}'`]);
  expect(directives.get('connect-src')).toEqual(["'self'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('worker-src')).toEqual(['blob:']);
  // No other origin, no wildcard, no inline script or eval.
  expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'|'unsafe-hashes'|'strict-dynamic'/);
  expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
}

describe('the explorer in development (on by default)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(() => gw?.close());

  it('GET /graphql from a browser: GraphiQL, one page with every asset inline, a CSP that allows only its own script', async () => {
    const res = await raw(gw.url, { headers: { accept: BROWSER } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    // A browser may keep it a while and then revalidate it (see the 304 case): it changes only with a deployment.
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    expect(res.headers.etag).toBe(`"${createHash('sha256').update(res.body).digest('base64url')}"`);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers.vary).toContain('accept');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    const { script, outsideScript } = inspectPage(res.text, '');
    expectPageCsp(res.headers['content-security-policy'], script);
    expect(res.text).toContain('<title>Explorer</title>');
    expect(res.text).toContain('renderYogaGraphiQL');
    // Nothing outside the inline script loads from anywhere: no src or href to another origin.
    expect(outsideScript).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(outsideScript).not.toMatch(/<script[^>]+src|<link[^>]+stylesheet/i);
    // GraphiQL's settings: the gateway's own endpoint, asked by JSON POST (which Apollo's CSRF
    // prevention lets through), the app's operations in one document, HomeScreen first, a hint for a token.
    const settings = settingsOf(script);
    expect(settings).toMatchObject({ endpoint: '/graphql', method: 'POST', shouldPersistHeaders: false, defaultEditorToolsVisibility: 'headers' });
    const operations = parse(settings.defaultQuery).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    expect(operations.map((op) => op.name?.value)).toEqual(loadExplorerExamples('schema/app-builds', ROOT).map((example) => example.name));
    expect(operations[0]!.name?.value).toBe('HomeScreen');
    expect(settings.defaultHeaders).toContain('// "Authorization": "Bearer <access token>"');
    for (const forbidden of FORBIDDEN) expect(res.text, forbidden).not.toContain(forbidden);
  });

  it('sends the page gzipped to whoever accepts it, and answers HEAD with its headers only', async () => {
    const plain = await raw(gw.url, { headers: { accept: BROWSER } });
    const gzipped = await raw(gw.url, { headers: { accept: BROWSER, 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    const refused = await raw(gw.url, { headers: { accept: BROWSER, 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();

    const head = await raw(gw.url, { method: 'HEAD', headers: { accept: BROWSER } });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(head.headers['content-length']).toBe(String(plain.body.length));
    expect(head.body.length).toBe(0);
  });

  it('answers 304 to If-None-Match with the page’s ETag (one per encoding), keeping its CSP and caching headers', async () => {
    const plain = await raw(gw.url, { headers: { accept: BROWSER } });
    const gzipped = await raw(gw.url, { headers: { accept: BROWSER, 'accept-encoding': 'gzip' } });
    const etag = plain.headers.etag!;
    expect(gzipped.headers.etag).not.toBe(etag);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"stale", ${etag}`, '*']) {
      const res = await raw(gw.url, { headers: { accept: BROWSER, 'if-none-match': ifNoneMatch } });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe('private, max-age=300');
      expect(res.headers.vary).toBe('accept, accept-encoding');
      // A browser replaces the stored page's headers with the 304's: its own CSP must stay.
      expect(res.headers['content-security-policy']).toBe(plain.headers['content-security-policy']);
    }
    const revalidated = await raw(gw.url, { headers: { accept: BROWSER, 'accept-encoding': 'gzip', 'if-none-match': gzipped.headers.etag! } });
    expect(revalidated.status).toBe(304);
    // Another representation's tag, or an old page's, gets the page.
    for (const ifNoneMatch of [etag, '"an-older-page"', 'not-a-tag']) {
      const res = await raw(gw.url, { headers: { accept: BROWSER, 'accept-encoding': 'gzip', 'if-none-match': ifNoneMatch } });
      expect(res.status, ifNoneMatch).toBe(200);
      expect(res.body.equals(gzipped.body)).toBe(true);
    }
  });

  it('GET / from a browser goes to the explorer; for anyone else it stays a 404', async () => {
    const browser = await raw(`${gw.origin}/`, { headers: { accept: BROWSER } });
    expect(browser.status).toBe(302);
    expect(browser.headers.location).toBe('/graphql');
    const client = await raw(`${gw.origin}/`, { headers: { accept: 'application/json' } });
    expect(client.status).toBe(404);
    expect(JSON.parse(client.text).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('a GraphQL GET still reaches Apollo, whatever Accept a client sends with it', async () => {
    const search = `?query=${encodeURIComponent('{ __typename }')}`;
    const variants: Record<string, string>[] = [
      { accept: APOLLO_CLIENT, 'x-apollo-operation-name': 'Typename' },
      { accept: BROWSER, 'apollo-require-preflight': 'true' },
      // Apollo Client 4's GETs: a JSON content type, which a browser's form cannot send, passes CSRF prevention.
      { accept: BROWSER, 'content-type': 'application/json' },
    ];
    for (const headers of variants) {
      const res = await raw(`${gw.url}${search}`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.headers['content-type']).toContain('application/');
      expect(JSON.parse(res.text)).toMatchObject({ data: { __typename: 'Query' } });
    }
  });

  it('a persisted-query GET (APQ: hash only) still reaches Apollo', async () => {
    const query = '{ __typename }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const get = () =>
      raw(`${gw.url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, { headers: { accept: BROWSER, 'x-apollo-operation-name': 'Typename' } });
    const unknown = await get();
    expect(JSON.parse(unknown.text).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await raw(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions }) });
    expect(JSON.parse(registered.text)).toMatchObject({ data: { __typename: 'Query' } });
    const res = await get();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('a browser opening /graphql?query=… (GraphiQL writes the edited query there; a reload asks for it) gets the explorer, not a CSRF refusal', async () => {
    const res = await raw(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: BROWSER } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('malformed or JSON-first Accept headers get Apollo, never the page and never a 500', async () => {
    for (const accept of [
      '',
      ',,,',
      'text',
      'text/html;q=abc',
      'text/html;q=2',
      'text/html;q=0',
      'text/html;q=',
      ';;;q=1',
      'text/html application/json',
      '*/*',
      'application/json, text/html',
      'text/html;q=0.5, application/json;q=0.9',
      'text/*;q=0.8, application/*',
      '\u00e9/\u00e9',
    ]) {
      const res = await raw(gw.url, { headers: { accept } });
      expect(res.status, accept).toBe(400);
      expect(res.headers['content-type'], accept).toContain('application/json');
    }
    for (const accept of ['text/html', 'TEXT/HTML', 'text/*', 'text/html;q=1.0, application/json;q=0.9', 'application/json;q=0, text/html;q=0.1']) {
      const res = await raw(gw.url, { headers: { accept } });
      expect(res.headers['content-type'], accept).toBe('text/html; charset=utf-8');
    }
  });

  it('/schema.graphql: the client schema as SDL, which graphql-js builds, with Product and no federation machinery', async () => {
    const res = await fetch(`${gw.origin}/schema.graphql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const sdl = await res.text();
    expect(sdl).toBe(clientSchemaSdl(SUPERGRAPH));
    const schema = buildSchema(sdl);
    const product = schema.getType('Product');
    expect(isObjectType(product) && Object.keys(product.getFields())).toEqual(expect.arrayContaining(['id', 'name', 'price', 'rating', 'reviews']));
    expect(Object.keys(schema.getTypeMap()).filter((name) => /^(join|link)__/.test(name))).toEqual([]);
    expect(sdl).not.toMatch(/@link|@join__|join__Graph|specs\.apollo\.dev/);
    for (const forbidden of FORBIDDEN) expect(sdl, forbidden).not.toContain(forbidden);
  });

  it('/schema.graphql answers HEAD with its headers, and refuses POST with 405', async () => {
    const get = await raw(`${gw.origin}/schema.graphql`);
    const head = await raw(`${gw.origin}/schema.graphql`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.body.length).toBe(0);

    const post = await raw(`${gw.origin}/schema.graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(post.text).errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', requestId: post.headers['x-request-id'] });
  });
});

describe('the explorer is admitted as a GraphQL request is', () => {
  it('counts against RATE_LIMIT_PER_IP, with GraphQL requests: 429 with Retry-After past it', async () => {
    const gw = await startGateway({ NODE_ENV: 'development', RATE_LIMIT_PER_IP: '3' });
    try {
      for (let i = 0; i < 2; i++) expect((await raw(gw.url, { headers: { accept: BROWSER } })).status).toBe(200);
      const api = await raw(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(api.status).toBe(200);
      // The budget is spent: neither the page, nor its redirect, nor the schema, nor GraphQL.
      for (const [url, headers] of [
        [gw.url, { accept: BROWSER, 'accept-encoding': 'gzip' }],
        [`${gw.origin}/`, { accept: BROWSER }],
        [`${gw.origin}/schema.graphql`, {}],
      ] as const) {
        const refused = await raw(url, { headers });
        expect(refused.status, url).toBe(429);
        expect(Number(refused.headers['retry-after']), url).toBeGreaterThan(0);
        expect(refused.headers['content-type']).toContain('application/json');
        expect(JSON.parse(refused.text).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', requestId: refused.headers['x-request-id'] });
      }
      const refusedApi = await raw(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(refusedApi.status).toBe(429);
    } finally {
      await gw.close();
    }
  });

  it('is 503 while the gateway is not ready (draining), as GraphQL is', async () => {
    const gw = await startGateway({ NODE_ENV: 'development' });
    try {
      gw.gateway.drain();
      for (const url of [gw.url, `${gw.origin}/`]) {
        const res = await raw(url, { headers: { accept: BROWSER } });
        expect(res.status, url).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(JSON.parse(res.text).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      }
    } finally {
      await gw.close();
    }
  });

  it('is served without authentication: a browser’s stray Authorization header does not matter', async () => {
    const gw = await startGateway({ NODE_ENV: 'development' });
    try {
      const res = await raw(gw.url, { headers: { accept: BROWSER, authorization: 'Bearer not-a-token' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    } finally {
      await gw.close();
    }
  });
});

describe('the explorer in production', () => {
  it('is off by default: no page, no /schema.graphql', async () => {
    const gw = await startGateway({ NODE_ENV: 'production' });
    try {
      const page = await raw(gw.url, { headers: { accept: BROWSER } });
      expect(page.headers['content-type']).not.toContain('text/html');
      expect(page.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      const root = await raw(`${gw.origin}/`, { headers: { accept: BROWSER } });
      expect(root.status).toBe(404);
      expect((await raw(`${gw.origin}/schema.graphql`)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  it('EXPLORER=true serves it under the production headers, with its own CSP (no other origin) instead of default-src none', async () => {
    const gw = await startGateway({ NODE_ENV: 'production', INTROSPECTION: 'true', EXPLORER: 'true' });
    try {
      const page = await raw(gw.url, { headers: { accept: BROWSER } });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(page.text).toContain('<title>Explorer (production)</title>');
      expectPageCsp(page.headers['content-security-policy'], inspectPage(page.text, '').script);

      // Everything else keeps the production CSP.
      const schema = await raw(`${gw.origin}/schema.graphql`);
      expect(schema.status).toBe(200);
      expect(schema.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      const api = await raw(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(JSON.parse(api.text)).toMatchObject({ data: { __typename: 'Query' } });
      expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    } finally {
      await gw.close();
    }
  });
});

describe('renderExplorerPage', () => {
  it('an example cannot end the page script early (its text is in the script as JSON)', () => {
    const page = renderExplorerPage({
      graphqlPath: '/graphql',
      title: 'Explorer',
      examples: [{ name: 'Evil', document: 'query Evil { product(id: "</script><script>alert(1)</script>\u2028") { id } }' }],
    });
    const html = page.html.toString('utf8');
    expect(html.split(/<\/script/i)).toHaveLength(2);
    expect(html).toContain('(id: \\"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u2028\\")');
  });
});

describe('examplesDocument', () => {
  it('writes every example in order, a fragment two of them share once', () => {
    const card = 'fragment Card on Product {\n  id\n  name\n}';
    const document = examplesDocument([
      { name: 'Home', document: `query Home {\n  products(first: 2) {\n    edges {\n      node {\n        ...Card\n      }\n    }\n  }\n}\n\n${card}` },
      { name: 'Page', document: `query Page($id: ID!) {\n  product(id: $id) {\n    ...Card\n  }\n}\n\n${card}` },
      { name: 'Like', document: 'mutation Like {\n  __typename\n}' },
    ]);
    const definitions = parse(document).definitions;
    expect(definitions.map((d) => (d.kind === 'OperationDefinition' || d.kind === 'FragmentDefinition' ? d.name?.value : d.kind))).toEqual(['Home', 'Card', 'Page', 'Like']);
    expect(document.split(card)).toHaveLength(2);
  });
});

describe('prefersHtml', () => {
  it('is true for a browser navigation, false for GraphQL clients, curl and anything malformed', () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml('text/html, application/json;q=0.9')).toBe(true);
    expect(prefersHtml(APOLLO_CLIENT)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('text/html;q=1.5')).toBe(false);
    expect(prefersHtml('text/html;q=0.9;q=x')).toBe(false);
    // The most specific range decides: text/html refused outright, whatever text/* says.
    expect(prefersHtml('text/html;q=0, text/*')).toBe(false);
  });
});
