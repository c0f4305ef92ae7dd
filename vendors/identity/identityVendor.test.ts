import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningVendor } from '../sandbox/types.js';
import { vendorFetch } from '../sandbox/vendorFetch.js';
import { createIdentityVendor } from './createIdentityVendor.js';
import { identityUsers, userById, type IdentityUser } from './data.js';

let vendor: RunningVendor;
const lookup = (body: string, headers?: Record<string, string>) => vendorFetch(vendor, '/api/users/lookup', { method: 'POST', body, headers });

beforeAll(async () => {
  vendor = await createIdentityVendor({ apiKey: 'test-identity-key' });
});
afterAll(async () => {
  await vendor.close();
});

describe('identity vendor (IdentiCo)', () => {
  it('wants a bearer token', async () => {
    const res = await fetch(`${vendor.url}/api/users/usr_0001`, { headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('IdentiCo');
  });

  it('looks users up in storage order, unknown ids omitted, and counts the batch size', async () => {
    vendor.control.resetStats();
    const res = await lookup(JSON.stringify({ ids: ['usr_0500', 'usr_0002', 'usr_9999', 'usr_0002'] }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { users: IdentityUser[] };
    expect(body.users).toEqual([userById('usr_0002'), userById('usr_0500')]);
    expect(vendor.control.stats().byRoute['POST /api/users/lookup']?.batchSizes).toEqual([4]);
  });

  it('caps lookups at 100 ids and refuses malformed bodies (400)', async () => {
    const ids = identityUsers().map((u) => u.user_id);
    expect((await lookup(JSON.stringify({ ids: ids.slice(0, 100) }))).status).toBe(200);
    const over = await lookup(JSON.stringify({ ids: ids.slice(0, 101) }));
    expect(over.status).toBe(400);
    expect(await over.text()).toContain('batch too large');
    for (const bad of ['not json', '[]', '{"ids":"usr_0001"}', '{"ids":[1,2]}', '{}', '{"ids":[]}', '']) {
      const res = await lookup(bad);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { vendor: string } }).error.vendor).toBe('IdentiCo');
    }
  });

  it('still reads JSON labelled as a form (what `curl -d` sends)', async () => {
    const res = await lookup(JSON.stringify({ ids: ['usr_0001'] }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { users: IdentityUser[] }).users).toEqual([userById('usr_0001')]);
  });

  it('gets one user or 404', async () => {
    const res = await vendorFetch(vendor, '/api/users/usr_0123');
    expect(await res.json()).toEqual(userById('usr_0123'));
    expect((await vendorFetch(vendor, '/api/users/usr_0000')).status).toBe(404);
  });

  it('serves the user shape the accounts subgraph maps', () => {
    const users = identityUsers();
    const noPicture = users.filter((u) => u.picture === null).length;
    expect(noPicture).toBeGreaterThan(100);
    expect(noPicture).toBeLessThan(220);
    for (const u of users) if (u.picture !== null) expect(u.picture).toBe(`https://images.example.com/avatars/${u.user_id}.png`);
    expect(new Set(users.map((u) => u.email)).size).toBe(1000);
  });
});
