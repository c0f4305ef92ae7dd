import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import type { RunningVendor } from '../sandbox/types.js';
import { vendorFetch } from '../sandbox/vendorFetch.js';
import { createPaymentsVendor } from './createPaymentsVendor.js';
import { RECORDS_MAX_BATCH } from './data.js';

let vendor: RunningVendor;
beforeAll(async () => {
  vendor = await createPaymentsVendor({ apiKey: sandboxVendorEntry('payments').defaultKey });
});
afterAll(() => vendor.close());
beforeEach(() => vendor.control.resetStats());

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `prod_${String(from + i).padStart(4, '0')}`);

describe('Paylane sandbox vendor', () => {
  it('refuses a request without its key', async () => {
    const res = await fetch(`${vendor.url}/v1/records?product_ids=prod_0001`);
    expect(res.status).toBe(401);
  });

  it('answers a batch out of request order, leaving out ids without a record, and counts the batch', async () => {
    const res = await vendorFetch(vendor, `/v1/records?product_ids=${ids(8).join(',')}&locale=de`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { product_id: string; locale: string }[] };
    expect(data.map((r) => r.product_id).sort()).toEqual(ids(8).filter((id) => id !== 'prod_0007'));
    expect(data.map((r) => r.product_id)).not.toEqual(ids(8).filter((id) => id !== 'prod_0007'));
    expect(new Set(data.map((r) => r.locale))).toEqual(new Set(['de']));
    expect(vendor.control.stats().byRoute['GET /v1/records']).toEqual({ count: 1, batchSizes: [8] });
  });

  it('answers 400 to a batch over its limit, a malformed locale or no ids', async () => {
    expect((await vendorFetch(vendor, `/v1/records?product_ids=${ids(RECORDS_MAX_BATCH + 1).join(',')}`)).status).toBe(400);
    expect((await vendorFetch(vendor, '/v1/records?product_ids=prod_0001&locale=EN-us')).status).toBe(400);
    expect((await vendorFetch(vendor, '/v1/records')).status).toBe(400);
  });

  it('reads one record by id, 404 for an id it does not have', async () => {
    expect((await vendorFetch(vendor, '/v1/records/prod_0001')).status).toBe(200);
    expect((await vendorFetch(vendor, '/v1/records/prod_0007')).status).toBe(404);
  });
});
