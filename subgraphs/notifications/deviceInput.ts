import { badUserInput } from '../../platform/errors/AppError.js';
import type { DevicePlatform } from './model.js';

/** APNs device tokens: 32 bytes, sent as 64 hex characters. */
const APNS_TOKEN = /^[0-9a-fA-F]{64}$/;
/** FCM registration tokens: opaque, in practice 100..300 characters of this alphabet; bounds kept loose on purpose. */
const FCM_TOKEN = /^[A-Za-z0-9:_-]{32,4096}$/;
const APP_VERSION = /^[0-9A-Za-z.+-]{1,32}$/;
const MAX_LOCALE = 35;

export interface DeviceInput {
  readonly platform: DevicePlatform;
  readonly token: string;
  readonly locale: string;
  readonly appVersion: string;
}

/**
 * Checks registerDevice's arguments and returns them canonical: APNs tokens lower case
 * (APNs ignores case: one phone, one row), the locale as `Intl` spells it (`en-us` → `en-US`).
 * Throws BAD_USER_INPUT naming the first bad argument.
 */
export function deviceInput(args: { platform: string; token: string; locale: string; appVersion: string }): DeviceInput {
  const platform = args.platform as DevicePlatform;
  if (platform === 'IOS' && !APNS_TOKEN.test(args.token)) throw badUserInput('token', 'an APNs device token (64 hex characters) for IOS');
  if (platform === 'ANDROID' && !FCM_TOKEN.test(args.token)) {
    throw badUserInput('token', 'an FCM registration token (32 to 4096 letters, digits, ":", "_" or "-") for ANDROID');
  }
  const locale = canonicalLocale(args.locale);
  if (locale === null) throw badUserInput('locale', `a BCP 47 language tag of at most ${MAX_LOCALE} characters, e.g. "en-US"`);
  if (!APP_VERSION.test(args.appVersion)) throw badUserInput('appVersion', '1 to 32 letters, digits, ".", "+" or "-", e.g. "3.4.1"');
  return { platform, token: platform === 'IOS' ? args.token.toLowerCase() : args.token, locale, appVersion: args.appVersion };
}

function canonicalLocale(tag: string): string | null {
  if (tag.length === 0 || tag.length > MAX_LOCALE) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical !== undefined && canonical.length <= MAX_LOCALE ? canonical : null;
  } catch {
    // RangeError: not a well-formed BCP 47 tag.
    return null;
  }
}
