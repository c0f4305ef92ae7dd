import { createPrivateKey, type KeyObject } from 'node:crypto';
import { PushCredentialsError } from './PushCredentialsError.js';
import { readCredentialFile } from './readCredentialFile.js';

const SETTING = 'NOTIFICATIONS_APNS_KEY_FILE';

/**
 * The APNs auth key (`AuthKey_<KEY ID>.p8`: an ES256 / P-256 private key, PKCS#8 PEM), checked
 * at start-up so a wrong file fails the service rather than every iOS push.
 */
export function loadApnsKey(path: string): KeyObject {
  const text = readCredentialFile(SETTING, path);
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new PushCredentialsError(SETTING, path, 'not a PEM private key (expected the .p8 file Apple hands out)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new PushCredentialsError(SETTING, path, 'not an ES256 (P-256) key; APNs provider tokens are signed with ES256');
  }
  return key;
}
