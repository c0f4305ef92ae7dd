import { request } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createHttpHandler } from './createHttpHandler.js';
import { startHttpServer, type RunningHttpServer } from './startHttpServer.js';

/** Text whose UTF-8 is longer than its UTF-16 length: 2-, 3- and 4-byte characters. */
const WORDS = 'Crème brûlée, 東京, 🚀';

/** The raw answer, as bytes off the socket: what a client's Content-Length framing sees. */
function post(origin: string, body: string): Promise<{ headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a GraphQL answer on the wire', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });
  const apollo = new ApolloServer({ typeDefs: 'type Query { words(times: Int!): String }', resolvers: { Query: { words: (_: unknown, { times }: { times: number }) => WORDS.repeat(times) } }, logger });
  let http: RunningHttpServer;

  beforeAll(async () => {
    await apollo.start();
    http = await startHttpServer(createHttpHandler({ apollo, logger, isReady: () => true, context: async () => ({}) }), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http?.close(0);
    await apollo.stop();
  });

  it('carries the UTF-8 length of the answer in Content-Length, small or large, multi-byte characters included', async () => {
    for (const times of [1, 5_000]) {
      const { headers, bytes } = await post(http.origin, JSON.stringify({ query: `{ words(times: ${times}) }` }));
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(Number(headers['content-length'])).toBe(bytes.length);
      expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { words: WORDS.repeat(times) } });
      expect(bytes.length).toBeGreaterThan(JSON.stringify({ data: { words: WORDS.repeat(times) } }).length);
    }
  });
});
