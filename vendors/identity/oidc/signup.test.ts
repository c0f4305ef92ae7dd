import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorFetch } from '../../sandbox/vendorFetch.js';
import { createIdentityVendor, type RunningIdentityVendor } from '../createIdentityVendor.js';
import { identityUsers, type IdentityUser } from '../data.js';
import { signUp, tokenRequest, uniqueEmail } from '../identityTestClient.js';

let vendor: RunningIdentityVendor;
const post = (body: unknown, headers?: Record<string, string>) =>
  vendorFetch(vendor, '/dbconnections/signup', { method: 'POST', body: JSON.stringify(body), headers });
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  vendor = await createIdentityVendor({ apiKey: 'test-identity-key' });
});
afterAll(async () => {
  await vendor.close();
});

describe('POST /dbconnections/signup', () => {
  it('creates users with ids continuing the seed, visible in the user API like seeded ones', async () => {
    const email = uniqueEmail('Signup');
    const res = await post({ email: `  ${email}  `, password: PASSWORD, name: '  Sam Signup ' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown>;
    expect(created).toEqual({ user_id: 'usr_1001', email: email.toLowerCase(), name: 'Sam Signup', picture: null });
    expect(JSON.stringify(created)).not.toContain(PASSWORD);

    const second = await signUp(vendor, { email: uniqueEmail(), password: PASSWORD, name: 'Second' });
    expect(second.user_id).toBe('usr_1002');

    const lookup = await vendorFetch(vendor, '/api/users/lookup', { method: 'POST', body: JSON.stringify({ ids: ['usr_1002', 'usr_1001', 'usr_0001'] }) });
    const { users } = (await lookup.json()) as { users: IdentityUser[] };
    expect(users.map((u) => u.user_id)).toEqual(['usr_0001', 'usr_1001', 'usr_1002']);
    expect(users[1]).toMatchObject({ user_id: 'usr_1001', name: 'Sam Signup', picture: null, email: email.toLowerCase() });
    expect(Object.keys(users[1] as object).sort()).toEqual(['created_at', 'email', 'name', 'picture', 'user_id']);
    const one = await vendorFetch(vendor, '/api/users/usr_1002');
    expect(((await one.json()) as IdentityUser).name).toBe('Second');
  });

  it('lists every invalid field at once (400) and never echoes the password', async () => {
    const secret = 'short';
    const res = await post({ email: 'not-an-email', password: secret, name: '   ' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; description: string; fields: Record<string, string> };
    expect(body.error).toBe('invalid_signup');
    expect(Object.keys(body.fields).sort()).toEqual(['email', 'name', 'password']);
    expect(JSON.stringify(body)).not.toContain(`"${secret}"`);

    const cases: [unknown, string[]][] = [
      [{ email: `${'a'.repeat(250)}@example.com`, password: PASSWORD, name: 'x' }, ['email']],
      [{ email: 'a@b', password: PASSWORD, name: 'x' }, ['email']],
      [{ email: 'sam@example.com', password: 'x'.repeat(129), name: 'x' }, ['password']],
      [{ email: 'sam.same@example.com', password: 'Sam.Same@example.com', name: 'x' }, ['password']],
      [{ email: 'sam@example.com', password: PASSWORD, name: 'x'.repeat(81) }, ['name']],
      [{ email: 'sam@example.com', password: 12345678901, name: 7 }, ['name', 'password']],
      [[], ['email', 'name', 'password']],
    ];
    for (const [input, fields] of cases) {
      const r = await post(input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(Object.keys(((await r.json()) as { fields: object }).fields).sort()).toEqual(fields);
    }
    const notJson = await vendorFetch(vendor, '/dbconnections/signup', { method: 'POST', body: 'nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toBe('invalid_signup');
  });

  it('refuses an existing email, case-insensitively (409), seeded users included', async () => {
    const email = uniqueEmail();
    await signUp(vendor, { email, password: PASSWORD, name: 'First' });
    const again = await post({ email: email.toUpperCase(), password: PASSWORD, name: 'Again' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe('user_exists');
    const seeded = identityUsers()[0] as IdentityUser;
    expect((await post({ email: seeded.email, password: PASSWORD, name: 'Impostor' })).status).toBe(409);
  });

  it('gives one id per email when the same sign-up races itself', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([1, 2, 3].map(() => post({ email, password: PASSWORD, name: 'Racer' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('needs the vendor API key', async () => {
    // Earlier tests signed users up too: count this request on its own.
    const counted = (): number => vendor.control.stats().byRoute['POST /dbconnections/signup']?.count ?? 0;
    const before = counted();
    const res = await fetch(`${vendor.url}/dbconnections/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD, name: 'No Key' }),
    });
    expect(res.status).toBe(401);
    expect(counted()).toBeGreaterThan(0);
    expect(counted()).toBe(before + 1);
  });

  it('seeded users have no password and cannot sign in', async () => {
    const seeded = identityUsers()[1] as IdentityUser;
    const res = await tokenRequest(vendor, {
      grant_type: 'password',
      username: seeded.email,
      password: PASSWORD,
      client_id: 'mobile-graph-accounts',
      client_secret: 'sandbox-accounts-client-secret',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
