import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from '../../kit/vendor/vendorValues.js';
import { PushCredentialsError } from './PushCredentialsError.js';
import { readCredentialFile } from './readCredentialFile.js';

/** What FCM sends need from a Google service-account key file. */
export interface ServiceAccount {
  /** The FCM project messages are sent for (`/v1/projects/{projectId}/messages:send`). */
  readonly projectId: string;
  /** The assertion's `iss` and `sub`. */
  readonly clientEmail: string;
  /** The assertion's `kid`: which of the account's keys signed it. */
  readonly privateKeyId: string;
  /** RSA; a KeyObject, so the PEM text is not kept around as a string. */
  readonly privateKey: KeyObject;
}

const SETTING = 'NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE';

const serviceAccountFile = z.object({
  type: z.literal('service_account'),
  // Google's project ids: 6–30 lower-case letters, digits and hyphens, starting with a letter.
  project_id: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: 'must be a Google Cloud project id' }),
  private_key_id: z.string().min(1).max(200),
  private_key: z.string().min(1),
  client_email: z.email(),
});

/**
 * Reads and checks the key file as the Cloud console downloads it. Every problem is a
 * `PushCredentialsError` naming the field, never its value (the file is a private key).
 * `token_uri` is not used: the token endpoint is a setting (`NOTIFICATIONS_FCM_TOKEN_URL`), so the
 * same file works against the sandbox and Google.
 */
export function loadServiceAccount(path: string): ServiceAccount {
  const text = readCredentialFile(SETTING, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error: part of a key, perhaps.
    throw new PushCredentialsError(SETTING, path, 'not JSON (expected a Google service-account key file)');
  }
  const parsed = serviceAccountFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new PushCredentialsError(SETTING, path, `not a service-account key file: ${problems}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(parsed.data.private_key);
  } catch {
    throw new PushCredentialsError(SETTING, path, 'private_key is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new PushCredentialsError(SETTING, path, 'private_key is not an RSA key (Google signs service-account assertions with RS256)');
  return Object.freeze({ projectId: parsed.data.project_id, clientEmail: parsed.data.client_email, privateKeyId: parsed.data.private_key_id, privateKey });
}
