import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../closeAfterEach.js';
import { configError } from '../configError.js';
import { parseGatewayConfig } from '../../src/config.js';
import { startAlpha, startOmega, startTestGateway, type TestGateway } from '../../../test/harness/testSubgraphs.js';

const MIB = 1024 * 1024;
/**
 * A new document and a new plan per name, as a client renaming its operation on every request
 * makes. Ten aliases (a fetch path each in the plan) make every entry weigh enough that a few
 * hundred requests fill a 1 MiB budget.
 */
const named = (name: string) => `query ${name} { ${Array.from({ length: 10 }, (_, i) => `t${i}: things { id title score }`).join(' ')} }`;
/** Another document, as the app's own: it must keep hitting while the flood goes on. */
const APP_QUERY = 'query AppThings { things { id score } }';
/** Every request comes from one address: the flood would otherwise meet the rate limits. */
const NO_RATE_LIMITS = { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_USER: '0' };

/** Sends every query, `concurrency` at a time; each answer must be a full 200. */
async function sendAll(gw: TestGateway, queries: readonly string[], concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const query = queries[next++]!;
      const res = await gw.query(query);
      expect(res.status, res.text).toBe(200);
      expect(res.json.errors, res.text).toBeUndefined();
      for (const list of Object.values(res.json.data)) expect(list).toHaveLength(3);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('operation caches, bounded by memory', () => {
  const track = closeAfterEach();
  const start = async (env: Record<string, string> = {}) => {
    const alpha = await track(startAlpha());
    const omega = await track(startOmega());
    return track(startTestGateway({ alpha: alpha.url, omega: omega.url }, env));
  };

  it('a repeated operation is parsed and planned once: later requests hit both caches', async () => {
    const gw = await start();
    const before = gw.gateway.operationCaches();
    expect(before.documents).toMatchObject({ entries: 0, hits: 0 });
    expect(before.queryPlans).toMatchObject({ entries: 0, hits: 0 });

    await sendAll(gw, Array.from({ length: 5 }, () => APP_QUERY), 1);

    const after = gw.gateway.operationCaches();
    expect(after.documents).toMatchObject({ entries: 1, hits: 4, misses: 1, evictions: 0 });
    expect(after.queryPlans).toMatchObject({ entries: 1, hits: 4, misses: 1, evictions: 0 });
    expect(after.documents.maxBytes).toBe(16 * MIB);
    expect(after.queryPlans.maxBytes).toBe(16 * MIB);
  });

  it('a new operation name per request stays within the budgets, and the app’s operation keeps hitting', async () => {
    const gw = await start({ DOCUMENT_CACHE_MIB: '1', QUERY_PLAN_CACHE_MIB: '1', ...NO_RATE_LIMITS });
    await sendAll(gw, [APP_QUERY], 1);
    const flood = Array.from({ length: 120 }, (_, i) => named(`Flood${i}`));

    for (let i = 0; i < flood.length; i += 20) {
      await sendAll(gw, flood.slice(i, i + 20), 2);
      // The app's operation, used all along, is never the least recently used: parsed and planned once.
      const hitsBefore = gw.gateway.operationCaches();
      await sendAll(gw, [APP_QUERY], 1);
      const hitsAfter = gw.gateway.operationCaches();
      expect(hitsAfter.documents.hits).toBe(hitsBefore.documents.hits + 1);
      expect(hitsAfter.queryPlans.hits).toBe(hitsBefore.queryPlans.hits + 1);
    }

    const { documents, queryPlans } = gw.gateway.operationCaches();
    for (const cache of [documents, queryPlans]) {
      expect(cache.maxBytes).toBe(MIB);
      expect(cache.bytes).toBeLessThanOrEqual(MIB);
      // Full: the flood did reach the budget and pushed older entries out, instead of growing.
      expect(cache.evictions).toBeGreaterThan(0);
      expect(cache.entries).toBeLessThan(flood.length);
      expect(cache.bytes).toBeGreaterThan(MIB / 2);
    }
    // Each entry is charged what it keeps on the heap (≥ 4× its JSON), not Apollo's JSON size.
    expect(documents.bytes / documents.entries).toBeGreaterThan(5 * JSON.stringify({ kind: 'Document', definitions: [] }).length);
  }, 60_000);

  it('0 keeps nothing: every request parses and plans again, and still answers', async () => {
    const gw = await start({ DOCUMENT_CACHE_MIB: '0', QUERY_PLAN_CACHE_MIB: '0' });
    await sendAll(gw, [APP_QUERY, APP_QUERY], 1);
    const { documents, queryPlans } = gw.gateway.operationCaches();
    expect(documents).toMatchObject({ entries: 0, bytes: 0, hits: 0, misses: 2 });
    expect(queryPlans).toMatchObject({ entries: 0, bytes: 0, hits: 0, misses: 2 });
  });
});

describe('operation cache settings', () => {
  it('default to 16 MiB each', () => {
    const config = parseGatewayConfig({});
    expect(config.documentCacheMiB).toBe(16);
    expect(config.queryPlanCacheMiB).toBe(16);
  });

  it('refuse a malformed budget, naming the variable and what was expected', () => {
    const error = configError({ DOCUMENT_CACHE_MIB: '16MB', QUERY_PLAN_CACHE_MIB: '-1' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('DOCUMENT_CACHE_MIB: expected an integer from 0 to 1024 (MiB), got "16MB"');
    expect(error.message).toContain('QUERY_PLAN_CACHE_MIB: expected an integer from 0 to 1024 (MiB), got "-1"');
    expect(configError({ QUERY_PLAN_CACHE_MIB: '4096' }).message).toContain('QUERY_PLAN_CACHE_MIB: expected an integer from 0 to 1024 (MiB)');
  });
});
