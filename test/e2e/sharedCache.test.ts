import { expect, it } from 'vitest';
import { operation } from '../harness/operations.js';
import { describeOnReplicas } from '../harness/startReplicas.js';

describeOnReplicas('two replicas share one Redis cache', process.env.REDIS_URL, {}, (replicas) => {
  it('a home screen served by replica A makes replica B answer it without any vendor call', async () => {
    const { a, b, sandbox } = replicas();
    const first = await a.query(operation('HomeScreen'));
    expect(first.json.errors).toBeUndefined();
    a.resetVendorStats();

    const second = await b.query(operation('HomeScreen'));
    expect(second.json.errors).toBeUndefined();
    expect(second.json.data).toEqual(first.json.data);
    for (const vendor of sandbox.vendors) {
      expect(vendor.control.stats().total).toBe(0);
    }
  });
});
