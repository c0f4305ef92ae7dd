import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { startStack, type Stack } from '../harness/startStack.js';
import { startSandbox, type Sandbox } from '../../vendors/startSandbox.js';
import { randomUUID } from 'node:crypto';

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)(
  `two replicas share one Redis cache${redisUrl ? '' : ' (skipped: set REDIS_URL to run against a real Redis)'}`,
  () => {
    let sandbox: Sandbox;
    let a: Stack;
    let b: Stack;
    beforeAll(async () => {
      sandbox = await startSandbox({ host: '127.0.0.1' });
      const cacheNamespace = `replicas-${randomUUID()}`;
      a = await startStack({ sandbox, redisUrl, cacheNamespace });
      b = await startStack({ sandbox, redisUrl, cacheNamespace });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await sandbox?.close();
    });

    it('a home screen served by replica A makes replica B answer it without any vendor call', async () => {
      const first = await a.query(operation('HomeScreen'));
      expect(first.json.errors).toBeUndefined();
      a.resetVendorStats();

      const second = await b.query(operation('HomeScreen'));
      expect(second.json.errors).toBeUndefined();
      expect(second.json.data).toEqual(first.json.data);
      for (const vendor of [sandbox.commerce, sandbox.reviews, sandbox.identity]) {
        expect(vendor.control.stats().total).toBe(0);
      }
    });
  },
);
