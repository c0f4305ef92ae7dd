import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createHttpHandler, type AdmittedRoute } from './createHttpHandler.js';
import { HttpRefusal } from './HttpRefusal.js';
import { startHttpServer, type RunningHttpServer } from './startHttpServer.js';

/** Routes that answer for themselves but pass the GraphQL request's readiness check and admission first (the gateway's explorer). */
describe('admitted routes', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });
  const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hi' } }, logger });
  let ready = true;
  let budget = 0;
  const calls = { admitted: 0, authenticated: 0, operations: 0, served: 0 };

  /** A page for browsers on the GraphQL path, and a path that refuses with its own status. */
  const page: AdmittedRoute = (req, url) => {
    if (url.pathname === '/graphql' && req.headers.accept === 'text/html') {
      return async (res) => {
        calls.served++;
        res.setHeader('content-type', 'text/html');
        res.end('<p>page</p>');
      };
    }
    if (url.pathname === '/teapot') {
      return async () => {
        throw new HttpRefusal(418, 'BAD_REQUEST', 'Short and stout.', { 'x-why': 'teapot' });
      };
    }
    return undefined;
  };
  let http: RunningHttpServer;

  beforeAll(async () => {
    await apollo.start();
    const handler = createHttpHandler({
      apollo,
      logger,
      isReady: () => ready,
      context: async () => ({}),
      admittedRoutes: [page],
      authenticate: async () => {
        calls.authenticated++;
        return null;
      },
      admission: {
        request: async () => {
          calls.admitted++;
          if (budget-- <= 0) throw new HttpRefusal(429, 'RATE_LIMITED', 'Slow down.', { 'retry-after': '7' }, { retryAfterSeconds: 7 });
        },
        operations: async () => {
          calls.operations++;
        },
      },
    });
    http = await startHttpServer(handler, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http?.close(0);
    await apollo.stop();
  });
  beforeEach(() => {
    ready = true;
    budget = 100;
    for (const key of Object.keys(calls) as (keyof typeof calls)[]) calls[key] = 0;
  });

  const browser = (headers: Record<string, string> = {}) => fetch(`${http.origin}/graphql`, { headers: { accept: 'text/html', ...headers } });

  it('answers on the GraphQL path once admitted: counted once, never authenticated, its body never read', async () => {
    const res = await browser({ authorization: 'Bearer not-even-a-token' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<p>page</p>');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(calls).toEqual({ admitted: 1, authenticated: 0, operations: 0, served: 1 });

    // What it does not take goes on to GraphQL, admitted there once.
    const api = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ hello }"}' });
    expect(await api.json()).toEqual({ data: { hello: 'hi' } });
    expect(calls).toEqual({ admitted: 2, authenticated: 1, operations: 1, served: 1 });
  });

  it('is refused as a GraphQL request is: 429 with the refusal’s headers and extensions', async () => {
    budget = 1;
    expect((await browser()).status).toBe(200);
    const refused = await browser({ 'x-request-id': 'page-2' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await refused.json()).toEqual({ errors: [{ message: 'Slow down.', extensions: { code: 'RATE_LIMITED', requestId: 'page-2', retryAfterSeconds: 7 } }] });
    expect(calls.served).toBe(1);
  });

  it('is 503 while the service is not ready, before admission counts it', async () => {
    ready = false;
    const res = await browser();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(calls).toEqual({ admitted: 0, authenticated: 0, operations: 0, served: 0 });
  });

  it('answers a refusal the route throws in GraphQL shape, with its status and headers', async () => {
    const res = await fetch(`${http.origin}/teapot`, { headers: { 'x-request-id': 'tea-1' } });
    expect(res.status).toBe(418);
    expect(res.headers.get('x-why')).toBe('teapot');
    expect(await res.json()).toEqual({ errors: [{ message: 'Short and stout.', extensions: { code: 'BAD_REQUEST', requestId: 'tea-1' } }] });
  });

  it('leaves health checks alone, and other paths to the extra routes and 404', async () => {
    ready = false;
    budget = 0;
    expect((await fetch(`${http.origin}/healthz`, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await fetch(`${http.origin}/readyz`, { headers: { accept: 'text/html' } })).status).toBe(503);
    ready = true;
    expect((await fetch(`${http.origin}/nowhere`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect(calls.admitted).toBe(0);
  });
});
