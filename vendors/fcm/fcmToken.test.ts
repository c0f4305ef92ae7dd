import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createFcmVendor, type RunningFcmVendor } from './createFcmVendor.js';
import { exchangeAssertion, FCM_SCOPE, obtainAccessToken, SERVICE_ACCOUNT_JSON, signAssertion } from './fcmClient.js';

const KEY = sandboxVendorEntry('fcm').defaultKey;
let vendor: RunningFcmVendor;
let now = Date.now();
beforeAll(async () => {
  vendor = await createFcmVendor({ apiKey: KEY, clock: () => now });
});
afterAll(() => vendor.close());

const otherKeyPem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const nowS = (): number => Math.floor(now / 1000);
const refused = async (assertion: string) => exchangeAssertion(vendor.serviceAccount.token_uri, assertion);

describe('FCM sandbox: the service account fixture', () => {
  it("is in Google's key-file shape, its key id the registry's default key, its token_uri the sandbox", () => {
    expect(SERVICE_ACCOUNT_JSON).toMatchObject({
      type: 'service_account',
      project_id: 'sandbox-project',
      private_key_id: KEY,
      client_email: 'push@sandbox-project.iam.gserviceaccount.com',
      token_uri: `http://127.0.0.1:${sandboxVendorEntry('fcm').port}/token`,
    });
    expect(SERVICE_ACCOUNT_JSON.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(vendor.serviceAccount).toMatchObject({ ...SERVICE_ACCOUNT_JSON, token_uri: `${vendor.url}/token` });
  });
});

describe('FCM sandbox: POST /token (JWT bearer grant)', () => {
  it('exchanges a good assertion for a Bearer access token living an hour, never cached', async () => {
    const res = await fetch(`${vendor.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await signAssertion(vendor.serviceAccount) }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^ya29\.[A-Za-z0-9_-]{20,}$/), expires_in: 3600, token_type: 'Bearer' });
  });

  it('accepts the cloud-platform scope and an assertion without kid, as Google does', async () => {
    await expect(obtainAccessToken(vendor.serviceAccount, { scope: `https://www.googleapis.com/auth/cloud-platform ${FCM_SCOPE}` })).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it.each([
    ['another key', { privateKeyPem: otherKeyPem() }, 'invalid_grant', 'Invalid JWT Signature.'],
    ['an unknown key id', { kid: 'some-other-key' }, 'invalid_grant', 'Invalid JWT Signature.'],
    ['an expired assertion', { issuedAt: nowS() - 7200 }, 'invalid_grant', /^Invalid JWT: Token must be a short-lived token \(60 minutes\)/],
    ['a lifetime over an hour', { lifetimeS: 3601 }, 'invalid_grant', /^Invalid JWT: Token must be a short-lived token/],
    ['issued in the future', { issuedAt: nowS() + 3600 }, 'invalid_grant', /^Invalid JWT: Token must be a short-lived token/],
    ['the wrong audience', { audience: 'https://oauth2.googleapis.com/token' }, 'invalid_grant', /^Invalid JWT: Failed audience check\. The right audience is http:\/\/127\.0\.0\.1:\d+\/token$/],
    ['no scope', { scope: '' }, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.'],
    ['a scope that is not a Google API', { scope: 'push' }, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.'],
  ])('refuses %s: 400 %s', async (_label, options, error, description) => {
    const { status, body } = await refused(await signAssertion(vendor.serviceAccount, options));
    expect(status).toBe(400);
    expect(body).toEqual({ error, error_description: typeof description === 'string' ? description : expect.stringMatching(description) });
  });

  it('refuses an unknown account, and what is not a JWT', async () => {
    const stranger = { ...vendor.serviceAccount, client_email: 'push@other-project.iam.gserviceaccount.com' };
    expect((await refused(await signAssertion(stranger))).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
    for (const junk of ['not-a-jwt', 'a.b.c', `${(await signAssertion(vendor.serviceAccount)).split('.').slice(0, 2).join('.')}.`]) {
      const { status, body } = await refused(junk);
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('refuses a request without the grant type or assertion, and other grant types', async () => {
    const post = (form: Record<string, string>) =>
      fetch(`${vendor.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    const cases: [Record<string, string>, string, string][] = [
      [{ assertion: 'x' }, 'invalid_request', 'Missing required parameter: grant_type'],
      [{ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }, 'invalid_request', 'Missing required parameter: assertion'],
      [{ grant_type: 'client_credentials' }, 'unsupported_grant_type', 'Invalid grant_type: client_credentials'],
    ];
    for (const [form, error, description] of cases) {
      const res = await post(form);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error, error_description: description });
    }
  });

  it('lets access tokens expire after their lifetime (shortened for the test)', async () => {
    vendor.push.setTokenTtl(60);
    try {
      const token = await obtainAccessToken(vendor.serviceAccount);
      expect(token.expires_in).toBe(60);
      const send = () =>
        fetch(`${vendor.url}/v1/projects/sandbox-project/messages:send`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ validate_only: true, message: { token: 'x'.repeat(150) } }),
        });
      expect((await send()).status).toBe(200);
      now += 61_000;
      const res = await send();
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { details: { reason: string }[] } }).error.details[0]?.reason).toBe('ACCESS_TOKEN_EXPIRED');
    } finally {
      vendor.push.setTokenTtl(3600);
    }
  });
});
