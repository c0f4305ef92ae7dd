import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApnsClient, APNS_SANDBOX_KEY_ID, APNS_SANDBOX_TEAM_ID, signProviderToken, type ApnsSendResult } from './apnsClient.js';
import { createApnsVendor, type RunningApnsVendor } from './createApnsVendor.js';

const TOKEN = 'ef'.repeat(32);
const PAYLOAD = { aps: { alert: { title: 'Refund', body: 'Your refund went through' } } };
const NOW_S = 1_800_000_000;

let vendor: RunningApnsVendor;
const clients: ApnsClient[] = [];

/** A fresh connection each time: APNs' refresh rule is per connection. */
function connection(): ApnsClient {
  const client = new ApnsClient(vendor.url);
  clients.push(client);
  return client;
}
const sendWith = (providerToken: string | null, client = connection()): Promise<ApnsSendResult> => client.send({ token: TOKEN, payload: PAYLOAD, providerToken });
const otherKeyPem = (): string => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  // A fixed clock: token ages are then exact, with no timing in the assertions.
  vendor = await createApnsVendor({ apiKey: APNS_SANDBOX_KEY_ID, clock: () => NOW_S * 1000 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await vendor.close();
});

describe('provider token authentication', () => {
  it('accepts a token signed with the fixture key, kid and team', async () => {
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 10 }))).status).toBe(200);
  });

  it('refuses a missing authorization header → 403 MissingProviderToken', async () => {
    expect(await sendWith(null)).toMatchObject({ status: 403, reason: 'MissingProviderToken' });
  });

  it.each([
    ['signed with another key under the sandbox key id', async () => signProviderToken({ issuedAt: NOW_S, privateKeyPem: otherKeyPem() })],
    ['an unknown key id', async () => signProviderToken({ issuedAt: NOW_S, keyId: 'ABCDE12345' })],
    ['another team', async () => signProviderToken({ issuedAt: NOW_S, teamId: 'OTHERTEAM1' })],
    ['an iat in the future', async () => signProviderToken({ issuedAt: NOW_S + 600 })],
    ['not a JWT', async () => 'not-a-jwt'],
    ['a tampered payload', async () => {
      const [h, , s] = (await signProviderToken({ issuedAt: NOW_S })).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ iss: APNS_SANDBOX_TEAM_ID, iat: NOW_S - 1 })).toString('base64url')}.${s}`;
    }],
    ['no iat', async () => {
      const token = await signProviderToken({ issuedAt: NOW_S });
      const [h] = token.split('.');
      return `${h}.${Buffer.from(JSON.stringify({ iss: APNS_SANDBOX_TEAM_ID })).toString('base64url')}.${token.split('.')[2]}`;
    }],
  ])('refuses a token %s → 403 InvalidProviderToken', async (_what, make) => {
    expect(await sendWith(await make())).toMatchObject({ status: 403, reason: 'InvalidProviderToken' });
  });

  it('refuses a scheme other than bearer → 403 InvalidProviderToken', async () => {
    const token = await signProviderToken({ issuedAt: NOW_S });
    const result = await connection().send({ token: TOKEN, payload: PAYLOAD, providerToken: null, headers: { authorization: `Basic ${token}` } });
    expect(result).toMatchObject({ status: 403, reason: 'InvalidProviderToken' });
  });

  it('refuses a token issued more than an hour ago → 403 ExpiredProviderToken, and takes one just inside the hour', async () => {
    expect(await sendWith(await signProviderToken({ issuedAt: NOW_S - 3601 }))).toMatchObject({ status: 403, reason: 'ExpiredProviderToken' });
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 3600 }))).status).toBe(200);
  });

  it('refuses a new token on the same connection within 20 minutes of the last → 429 TooManyProviderTokenUpdates', async () => {
    const client = connection();
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 600 }), client)).status).toBe(200);
    expect(await sendWith(await signProviderToken({ issuedAt: NOW_S - 1 }), client)).toMatchObject({ status: 429, reason: 'TooManyProviderTokenUpdates' });
    // The token in use still works, re-signed or not (an ES256 signature differs every time).
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 600 }), client)).status).toBe(200);
    // Another connection may use the new one.
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 1 }))).status).toBe(200);
  });

  it('takes a refreshed token once 20 minutes have passed since the last', async () => {
    const client = connection();
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 1500 }), client)).status).toBe(200);
    expect((await sendWith(await signProviderToken({ issuedAt: NOW_S - 300 }), client)).status).toBe(200);
  });

  it('counts refused requests and accepts nothing from them', async () => {
    vendor.control.resetStats();
    await sendWith(null);
    await sendWith('x.y.z');
    expect(vendor.control.stats().calls.map((c) => c.status)).toEqual([403, 403]);
    expect(vendor.apns.notifications().count).toBe(0);
  });
});

describe('other provider keys', () => {
  it('trusts extra keys for other teams and topics', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const other = await createApnsVendor({
      apiKey: APNS_SANDBOX_KEY_ID,
      topics: ['com.example.mobilegraph', 'com.example.watch'],
      extraKeys: [{ keyId: 'ROTATED123', teamId: 'OTHERTEAM1', publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    });
    const client = new ApnsClient(other.url, {
      providerToken: await signProviderToken({ keyId: 'ROTATED123', teamId: 'OTHERTEAM1', privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }),
      topic: 'com.example.watch',
    });
    try {
      expect((await client.send({ token: TOKEN, payload: PAYLOAD })).status).toBe(200);
    } finally {
      await client.close();
      await other.close();
    }
  });
});
