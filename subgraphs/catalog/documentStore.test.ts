import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/config/ConfigError.js';
import { startHttpServer, type RunningHttpServer } from '../../platform/http/startHttpServer.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { createCacheStore } from '../../platform/store/createCacheStore.js';
import { subgraph as catalog } from './subgraph.js';
import type { SubgraphService } from '../kit/server/SubgraphService.js';

/*
 * Each subgraph's Apollo documentStore, bounded by CATALOG_DOCUMENT_CACHE_MIB (the kit's
 * `<PREFIX>_DOCUMENT_CACHE_MIB`): the real catalog subgraph, through its own config, module
 * and the kit, on a port, sent what the gateway forwards when a client names every request anew.
 */
const logger = createLogger({ service: 'test', level: 'silent' });
const MIB = 1024 * 1024;
const running: { service: SubgraphService; http: RunningHttpServer }[] = [];
afterEach(async () => {
  for (const { service, http } of running.splice(0)) {
    await http.close(200);
    await service.close();
  }
});

async function startCatalog(env: Record<string, string>): Promise<{ service: SubgraphService; url: string }> {
  const config = catalog.parseConfig(env);
  const cache = createCacheStore({ redisUrl: undefined, namespace: 'test:catalog', logger });
  const service = catalog.create({ config, logger, cache });
  await service.server.start();
  const http = await startHttpServer(service.server.handler, { host: '127.0.0.1', port: 0 });
  running.push({ service, http });
  return { service, url: `${http.origin}/graphql` };
}

// `_service` needs no vendor; 200 aliases make each document ~100 KB of heap, so 1 MiB holds ~10.
const aliases = Array.from({ length: 200 }, (_, i) => `f${i}: _service { sdl }`).join(' ');
const operation = (name: string) => `query ${name} { ${aliases} }`;

async function send(url: string, name: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: operation(name), operationName: name }) });
  const body = (await res.json()) as { data?: { f0?: { sdl?: string } }; errors?: unknown };
  expect(res.status, JSON.stringify(body.errors)).toBe(200);
  expect(body.data?.f0?.sdl).toContain('type Query');
}

describe('a subgraph’s document store', () => {
  it('holds many distinct operation names within its budget, and a repeated operation is still a hit', async () => {
    const { service, url } = await startCatalog({ CATALOG_DOCUMENT_CACHE_MIB: '1' });
    for (let i = 0; i < 40; i += 1) await send(url, `Screen${i}`);
    const filled = service.server.documentStore();
    expect(filled.maxBytes).toBe(MIB);
    expect(filled.bytes).toBeLessThanOrEqual(MIB);
    // 40 documents did not fit: the oldest went, and what is left is not empty.
    expect(filled.evictions).toBeGreaterThan(0);
    expect(filled.entries).toBeGreaterThan(0);
    expect(filled.entries).toBeLessThan(40);
    expect(filled.misses).toBe(40);

    await send(url, 'Screen39');
    const repeated = service.server.documentStore();
    expect(repeated.hits).toBe(filled.hits + 1);
    expect(repeated.misses).toBe(filled.misses);
  });

  it('keeps nothing at 0, yet still answers', async () => {
    const { service, url } = await startCatalog({ CATALOG_DOCUMENT_CACHE_MIB: '0' });
    await send(url, 'Home');
    await send(url, 'Home');
    const stats = service.server.documentStore();
    expect(stats).toMatchObject({ entries: 0, bytes: 0, hits: 0 });
    expect(stats.refused).toBe(2);
  });

  it('defaults to 8 MiB', () => {
    expect(catalog.parseConfig({})).toMatchObject({ documentCacheMiB: 8 });
  });

  it.each(['lots', '-1', '1.5', '4096'])('refuses CATALOG_DOCUMENT_CACHE_MIB=%s with a clear config error', (raw) => {
    let error: unknown;
    try {
      catalog.parseConfig({ CATALOG_DOCUMENT_CACHE_MIB: raw });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^CATALOG_DOCUMENT_CACHE_MIB.*integer from 0 to 1024 \(MiB\)/)]);
  });
});
