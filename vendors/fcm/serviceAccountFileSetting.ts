import { createPrivateKey } from 'node:crypto';
import { optionalFile, type ParseResult, type Setting } from '../../platform/config/setting.js';
import type { ServiceAccountJson } from './serviceAccount.js';

/** Why a key file cannot be trusted, or null when it can. Never quotes the file's content (it holds a private key). */
function problemOf(json: unknown): string | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'its content is not a JSON object';
  const o = json as Record<string, unknown>;
  const missing = ['project_id', 'private_key_id', 'private_key', 'client_email'].filter((f) => typeof o[f] !== 'string' || (o[f] as string).trim() === '');
  if (o.type !== 'service_account') missing.unshift('type "service_account"');
  if (missing.length > 0) return `it lacks ${missing.join(', ')}`;
  try {
    const key = createPrivateKey(o.private_key as string);
    if (key.asymmetricKeyType !== 'rsa') return 'its private_key is not an RSA key (assertions are RS256)';
  } catch {
    return 'its private_key is not a PEM private key';
  }
  return null;
}

/**
 * `SANDBOX_FCM_SERVICE_ACCOUNT_FILE`: a Google service-account key file (the one the
 * notifications service signs its assertions with) for the fcm vendor to trust instead of its
 * committed fixture: its client_email, private_key_id (the assertions' `kid`), the public half
 * of its private_key, and its project_id (the project its tokens may send for). Read and
 * checked when the config is parsed, so a wrong path or file stops the sandbox with the others'
 * problems, never with a stack trace. Relative paths are from the working directory.
 */
export function serviceAccountFileSetting(): Setting<ServiceAccountJson | undefined> {
  return optionalFile('SANDBOX_FCM_SERVICE_ACCOUNT_FILE', {
    description:
      "Path of a Google service-account key file (JSON) the fcm sandbox vendor trusts instead of its committed fixture: its client_email, private_key_id and key (the public half of private_key) sign assertions, and its project_id is the project sends go to. Give it the file the notifications service uses (docker-compose: keys:env's, mounted into both). Relative to the working directory.",
    defaultText: '(unset: the committed fixture vendors/fcm/sandbox-service-account.json)',
    what: 'a Google service-account key file (JSON with type, project_id, private_key_id, an RSA private_key and client_email)',
    read(text): ParseResult<ServiceAccountJson> {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, expected: 'this file is not JSON' };
      }
      const problem = problemOf(json);
      return problem === null ? { ok: true, value: Object.freeze(json as ServiceAccountJson) } : { ok: false, expected: problem };
    },
  });
}
