import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A Google service-account key file, as the Cloud console downloads it (the fields FCM callers read). */
export interface ServiceAccountJson {
  readonly type: 'service_account';
  readonly project_id: string;
  /** The key's id: the `kid` of assertions signed with it. */
  readonly private_key_id: string;
  /** PKCS #8 PEM. */
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id?: string;
  /** Where the signed assertion is exchanged for an access token, and the assertion's `aud`. */
  readonly token_uri: string;
  readonly [other: string]: unknown;
}

/**
 * The sandbox's one service account, committed on purpose: it is a fixture, as public as the
 * sandbox's default keys. Its `private_key_id` is the registry's `defaultKey` for fcm, so the
 * leak scanner finds it if it ever reaches an app; its `token_uri` is the sandbox at its
 * default port (`serviceAccountFor` points it elsewhere). A caller loads it like a real key file.
 */
export const SERVICE_ACCOUNT_FILE = fileURLToPath(new URL('./sandbox-service-account.json', import.meta.url));

export const SERVICE_ACCOUNT_JSON: ServiceAccountJson = Object.freeze(JSON.parse(readFileSync(SERVICE_ACCOUNT_FILE, 'utf8')) as ServiceAccountJson);

export const SANDBOX_PROJECT_ID = SERVICE_ACCOUNT_JSON.project_id;

/** The fixture with its token endpoint at a running vendor (`http://127.0.0.1:<port>`), e.g. one on port 0. */
export function serviceAccountFor(vendorUrl: string, overrides: Partial<ServiceAccountJson> = {}): ServiceAccountJson {
  return Object.freeze({ ...SERVICE_ACCOUNT_JSON, token_uri: `${vendorUrl.replace(/\/+$/, '')}/token`, ...overrides });
}
