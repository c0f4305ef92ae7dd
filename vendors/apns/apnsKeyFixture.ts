import { readFileSync } from 'node:fs';
import { sandboxVendorEntry } from '../../platform/registry/services.js';

/**
 * The one provider key the APNs sandbox knows, committed on purpose: a sandbox fixture, never
 * a real Apple key. Apple hands a developer an ES256 (P-256) private key as `AuthKey_<KEY ID>.p8`
 * (PKCS#8 PEM) plus its key id and the team id; a provider signs its tokens with it and Apple
 * verifies with the public half. Pointing at the real APNs means swapping these four values.
 */

/** The key id (`kid`): the registry's default key, so the leak scanner looks for it too. */
export const APNS_SANDBOX_KEY_ID = sandboxVendorEntry('apns').defaultKey;

/** The team id (`iss`), ten characters as Apple's are. */
export const APNS_SANDBOX_TEAM_ID = 'SANDBOXT3M';

/** The app's bundle id: the `apns-topic` of an alert or background push. */
export const APNS_SANDBOX_BUNDLE_ID = 'com.example.mobilegraph';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');

/** PKCS#8 PEM, as in Apple's `.p8` download: what a provider signs with. */
export const APNS_SANDBOX_PRIVATE_KEY_PEM = fixture(`AuthKey_${APNS_SANDBOX_KEY_ID}.p8`);

/** SPKI PEM: what the sandbox verifies with (Apple keeps this half). */
export const APNS_SANDBOX_PUBLIC_KEY_PEM = fixture(`AuthKey_${APNS_SANDBOX_KEY_ID}.pub.pem`);

/** Everything a provider needs to sign for the sandbox, in one object. */
export const APNS_SANDBOX_KEY = Object.freeze({
  keyId: APNS_SANDBOX_KEY_ID,
  teamId: APNS_SANDBOX_TEAM_ID,
  bundleId: APNS_SANDBOX_BUNDLE_ID,
  privateKeyPem: APNS_SANDBOX_PRIVATE_KEY_PEM,
});
