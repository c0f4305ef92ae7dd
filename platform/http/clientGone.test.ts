import { connect } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/harness/capturingLogger.js';
import { createHttpHandler } from './createHttpHandler.js';
import { startHttpServer, type RunningHttpServer } from './startHttpServer.js';

/** A client hanging up mid-body (a phone going into a tunnel) is routine: one info line, nothing at error level. */
describe('a client that hangs up before its request body is complete', () => {
  const { lines, logger } = capturingLogger('test', 'info');
  const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hi' } }, logger });
  let http: RunningHttpServer;
  beforeAll(async () => {
    await apollo.start();
    http = await startHttpServer(createHttpHandler({ apollo, logger, isReady: () => true, context: async () => ({}) }), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http.close(0);
    await apollo.stop();
  });

  it('is logged once at info, not as an unhandled error', async () => {
    const socket = connect({ host: '127.0.0.1', port: http.port });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":');
    // Hang up once the partial body is on its way.
    await new Promise<void>((resolve) => socket.write('', () => resolve()));
    socket.destroy();
    const deadline = Date.now() + 30_000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'client went away before sending its whole request' });
  });
});

/** A query plan may hold more fetches than Node's listener warning threshold (10), each listening for its client leaving. */
describe("a request with more than ten calls listening for its client's departure", () => {
  const { logger } = capturingLogger('test', 'info');
  const apollo = new ApolloServer<{ signal: AbortSignal }>({
    typeDefs: 'type Query { hello: String }',
    resolvers: {
      Query: {
        hello: (_root, _args, { signal }) => {
          // What 16 fetches in flight at once do to the request's signal.
          const listeners = Array.from({ length: 16 }, () => () => undefined);
          for (const listener of listeners) signal.addEventListener('abort', listener);
          for (const listener of listeners) signal.removeEventListener('abort', listener);
          return 'hi';
        },
      },
    },
    logger,
  });
  let http: RunningHttpServer;
  beforeAll(async () => {
    await apollo.start();
    http = await startHttpServer(createHttpHandler({ apollo, logger, isReady: () => true, context: async ({ signal }) => ({ signal }) }), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http.close(0);
    await apollo.stop();
  });

  it('answers without a MaxListenersExceededWarning (no leak: each listener goes when its call settles)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const res = await fetch(`${http.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
      expect(await res.json()).toEqual({ data: { hello: 'hi' } });
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
