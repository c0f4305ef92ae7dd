import { createPrivateKey, createPublicKey } from 'node:crypto';
import { optionalFile, string, type ParseResult, type Setting } from '../../platform/config/setting.js';
import { APNS_SANDBOX_BUNDLE_ID, APNS_SANDBOX_TEAM_ID } from './apnsKeyFixture.js';

/**
 * `SANDBOX_APNS_KEY_FILE`: an APNs auth key (`.p8`, ES256 / P-256 private key, PKCS#8 PEM), the
 * one the notifications service signs provider tokens with. The apns vendor trusts its public
 * half (Apple keeps only that) under the key id SANDBOX_APNS_KEY and team SANDBOX_APNS_TEAM_ID.
 * Read and checked when the config is parsed; the value is the SPKI PEM, never the private key.
 */
export function apnsKeyFileSetting(): Setting<string | undefined> {
  return optionalFile('SANDBOX_APNS_KEY_FILE', {
    description:
      'Path of an APNs auth key (.p8, as Apple hands it out) whose public half the apns sandbox vendor trusts instead of its committed fixture, under the key id SANDBOX_APNS_KEY and the team SANDBOX_APNS_TEAM_ID. Give it the key the notifications service signs with (docker-compose: keys:env\'s, mounted into both). Relative to the working directory.',
    defaultText: '(unset: the committed fixture vendors/apns/fixtures/AuthKey_sandbox-apns-key.p8)',
    what: 'an APNs auth key (.p8: an ES256 / P-256 private key, PKCS#8 PEM)',
    read(text): ParseResult<string> {
      try {
        const key = createPrivateKey(text);
        if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return { ok: false, expected: 'this key is not ES256 (P-256)' };
        return { ok: true, value: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString() };
      } catch {
        return { ok: false, expected: 'this file is not a PEM private key' };
      }
    },
  });
}

export const apnsTeamIdSetting = () =>
  string('SANDBOX_APNS_TEAM_ID', {
    default: APNS_SANDBOX_TEAM_ID,
    pattern: /^[A-Z0-9]{10}$/,
    patternText: 'an Apple team id (10 capital letters or digits)',
    description: 'Team id (the `iss` of provider tokens) the apns sandbox vendor expects with its key (SANDBOX_APNS_KEY is the key id).',
  });

export const apnsTopicsSetting = () =>
  string('SANDBOX_APNS_TOPICS', {
    default: APNS_SANDBOX_BUNDLE_ID,
    pattern: /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(\s*,\s*[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)*$/,
    patternText: 'bundle ids (reverse DNS, e.g. com.example.app), comma-separated',
    description: "Bundle ids (`apns-topic`) the apns sandbox vendor lets its key's team push to, comma-separated (the notifications service's NOTIFICATIONS_APNS_TOPIC).",
  });
