import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstErrorCode } from '../harness/firstErrorCode.js';
import { findLeaks } from '../harness/leaks.js';
import { apnsToken, fcmToken, startNotificationsStack, type NotificationsStack } from './notificationsStack.js';
import { MARK_READ, MY_DEVICES, MY_NOTIFICATIONS, MY_PREFERENCES, REGISTER, SET_PREFERENCE, UNREGISTER } from './operations.js';

/**
 * The device registry and preferences through the gateway, as a signed-in app uses them:
 * a token moves with the phone to whoever signs in on it, only its owner can remove it, every
 * malformed argument is BAD_USER_INPUT naming it, and nothing works anonymously.
 */
describe('devices and preferences through the graph', () => {
  let n: NotificationsStack;
  beforeAll(async () => {
    n = await startNotificationsStack();
  });
  afterAll(async () => {
    await n?.close();
  });

  const register = async (sub: string, platform: 'IOS' | 'ANDROID', token: string, locale = 'en-US', appVersion = '3.4.0') => {
    const res = await n.as(sub, REGISTER, { platform, token, locale, appVersion });
    expect(res.json.errors, JSON.stringify(res.json.errors)).toBeUndefined();
    return res.json.data.registerDevice as { id: string; platform: string; locale: string; appVersion: string; registeredAt: string; lastSeenAt: string };
  };
  const unregister = async (sub: string, token: string) => {
    const res = await n.as(sub, UNREGISTER, { token });
    expect(res.json.errors).toBeUndefined();
    return res.json.data.unregisterDevice as boolean;
  };
  const devices = async (sub: string) => (await n.as(sub, MY_DEVICES)).json.data.myDevices as { id: string; locale: string }[];
  const tokensInDb = async (sub: string) =>
    (await n.db().query<{ token: string }>('SELECT token FROM devices WHERE user_id = $1 ORDER BY token', [sub])).rows.map((r) => r.token);

  it('registers an iOS and an Android device; myDevices lists them without their tokens', async () => {
    const ios = apnsToken();
    const android = fcmToken();
    const a = await register('usr_0101', 'IOS', ios.toUpperCase(), 'fr-fr', '3.4.0+77');
    const b = await register('usr_0101', 'ANDROID', android, 'de', '3.4.0');
    expect(a).toMatchObject({ platform: 'IOS', locale: 'fr-FR', appVersion: '3.4.0+77' });
    expect(a.id).toMatch(/^dev_[0-9a-f]{24}$/);
    expect(b).toMatchObject({ platform: 'ANDROID', locale: 'de' });
    const res = await n.as('usr_0101', MY_DEVICES);
    expect(res.json.data.myDevices.map((d: { id: string }) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(res.text).not.toContain(android);
    expect(res.text.toLowerCase()).not.toContain(ios);
    expect(findLeaks(res.text, n.sandbox)).toEqual([]);
    // The APNs token is kept in one case, so the same phone in either case is one row.
    expect(await tokensInDb('usr_0101')).toEqual([ios, android].sort());
    const again = await register('usr_0101', 'IOS', ios, 'fr-FR', '3.5.0');
    expect(again.id).toBe(a.id);
    expect(again.registeredAt).toBe(a.registeredAt);
    expect(await tokensInDb('usr_0101')).toHaveLength(2);
  });

  it('the same token registered by another user moves the device to that user', async () => {
    const token = fcmToken();
    const first = await register('usr_0102', 'ANDROID', token);
    const moved = await register('usr_0103', 'ANDROID', token, 'es-ES');
    expect(moved.id).toBe(first.id);
    expect(await devices('usr_0102')).toEqual([]);
    expect((await devices('usr_0103')).map((d) => d.id)).toEqual([first.id]);
    expect(await tokensInDb('usr_0102')).toEqual([]);
  });

  it('unregisterDevice: the owner\'s token → true and gone; someone else\'s → false and still registered; unknown → false', async () => {
    const mine = apnsToken();
    const theirs = apnsToken();
    await register('usr_0104', 'IOS', mine);
    await register('usr_0105', 'IOS', theirs);
    expect(await unregister('usr_0104', theirs)).toBe(false);
    expect(await tokensInDb('usr_0105')).toEqual([theirs]);
    expect(await unregister('usr_0104', mine.toUpperCase())).toBe(true);
    expect(await devices('usr_0104')).toEqual([]);
    expect(await unregister('usr_0104', mine)).toBe(false);
    expect(await unregister('usr_0104', apnsToken())).toBe(false);
  });

  it('an 11th device drops the one seen least recently', async () => {
    const tokens = Array.from({ length: 11 }, () => fcmToken());
    for (const token of tokens) await register('usr_0106', 'ANDROID', token);
    const left = await tokensInDb('usr_0106');
    expect(left).toHaveLength(10);
    expect(left).not.toContain(tokens[0]);
    expect(left).toContain(tokens[10]);
    // Seeing the oldest again keeps it: the next one out is then the second.
    await register('usr_0106', 'ANDROID', tokens[1] as string);
    await register('usr_0106', 'ANDROID', fcmToken());
    const after = await tokensInDb('usr_0106');
    expect(after).toHaveLength(10);
    expect(after).toContain(tokens[1]);
    expect(after).not.toContain(tokens[2]);
  });

  it.each([
    ['an APNs token of 63 hex', { platform: 'IOS', token: 'a'.repeat(63) }, 'token'],
    ['an APNs token with a non-hex letter', { platform: 'IOS', token: `${'a'.repeat(63)}g` }, 'token'],
    ['an FCM token for IOS', { platform: 'IOS', token: fcmToken() }, 'token'],
    ['an FCM token of 31 characters', { platform: 'ANDROID', token: 'A'.repeat(31) }, 'token'],
    ['an FCM token with a space', { platform: 'ANDROID', token: `${'A'.repeat(40)} B` }, 'token'],
    ['an FCM token over 4096 characters', { platform: 'ANDROID', token: 'A'.repeat(4097) }, 'token'],
    ['an empty locale', { locale: '' }, 'locale'],
    ['a locale with an underscore', { locale: 'en_US' }, 'locale'],
    ['a locale over 35 characters', { locale: `en-US-x-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-dd` }, 'locale'],
    ['a locale that is a script', { locale: '<script>' }, 'locale'],
    ['an empty appVersion', { appVersion: '' }, 'appVersion'],
    ['an appVersion over 32 characters', { appVersion: '1'.repeat(33) }, 'appVersion'],
    ['an appVersion with a space', { appVersion: '3.4 beta' }, 'appVersion'],
  ])('registerDevice refuses %s (BAD_USER_INPUT naming it) and stores nothing', async (_name, override, argument) => {
    const args = { platform: 'ANDROID', token: fcmToken(), locale: 'en', appVersion: '3.4.0', ...override };
    const res = await n.as('usr_0107', REGISTER, args);
    expect(res.status).toBe(200);
    expect(firstErrorCode(res.json)).toBe('BAD_USER_INPUT');
    expect(res.json.errors[0].extensions.argument).toBe(argument);
    expect(await tokensInDb('usr_0107')).toEqual([]);
  });

  it('preferences: every category on by default; turning one off and on again is read back', async () => {
    expect((await n.as('usr_0108', MY_PREFERENCES)).json.data.myNotificationPreferences).toEqual([
      { category: 'ORDER_UPDATES', enabled: true },
      { category: 'REVIEW_ACTIVITY', enabled: true },
    ]);
    const off = await n.as('usr_0108', SET_PREFERENCE, { category: 'REVIEW_ACTIVITY', enabled: false });
    expect(off.json.data.setNotificationPreference).toEqual({ category: 'REVIEW_ACTIVITY', enabled: false });
    expect((await n.as('usr_0108', MY_PREFERENCES)).json.data.myNotificationPreferences).toEqual([
      { category: 'ORDER_UPDATES', enabled: true },
      { category: 'REVIEW_ACTIVITY', enabled: false },
    ]);
    // Another user's preferences are their own.
    expect((await n.as('usr_0109', MY_PREFERENCES)).json.data.myNotificationPreferences[1]).toEqual({ category: 'REVIEW_ACTIVITY', enabled: true });
    await n.as('usr_0108', SET_PREFERENCE, { category: 'REVIEW_ACTIVITY', enabled: true });
    expect((await n.as('usr_0108', MY_PREFERENCES)).json.data.myNotificationPreferences[1]).toEqual({ category: 'REVIEW_ACTIVITY', enabled: true });
  });

  it('myNotifications and markNotificationsRead refuse bad pages, cursors and ids', async () => {
    for (const [variables, argument] of [
      [{ first: 0 }, 'first'],
      [{ first: 51 }, 'first'],
      [{ first: 10, after: 'not-a-cursor' }, 'after'],
    ] as const) {
      const res = await n.as('usr_0110', MY_NOTIFICATIONS, variables);
      expect(firstErrorCode(res.json), JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(res.json.errors[0].extensions.argument).toBe(argument);
    }
    for (const ids of [[], ['ntf_123'], Array.from({ length: 101 }, (_, i) => `ntf_${String(i).padStart(20, '0')}`)]) {
      const res = await n.as('usr_0110', MARK_READ, { ids });
      expect(firstErrorCode(res.json)).toBe('BAD_USER_INPUT');
      expect(res.json.errors[0].extensions.argument).toBe('ids');
    }
    const empty = await n.as('usr_0110', MY_NOTIFICATIONS, { first: 10 });
    expect(empty.json.data.myNotifications).toEqual({ edges: [], pageInfo: { endCursor: null, hasNextPage: false } });
  });

  it.each([
    ['registerDevice', REGISTER, { platform: 'IOS', token: 'a'.repeat(64), locale: 'en', appVersion: '1' }],
    ['unregisterDevice', UNREGISTER, { token: 'a'.repeat(64) }],
    ['myDevices', MY_DEVICES, {}],
    ['myNotificationPreferences', MY_PREFERENCES, {}],
    ['setNotificationPreference', SET_PREFERENCE, { category: 'ORDER_UPDATES', enabled: false }],
    ['myNotifications', MY_NOTIFICATIONS, { first: 5 }],
    ['markNotificationsRead', MARK_READ, { ids: ['ntf_aaaaaaaaaaaaaaaaaaaa'] }],
  ])('anonymous %s → UNAUTHENTICATED', async (_name, query, variables) => {
    const res = await n.as(null, query, variables);
    expect(firstErrorCode(res.json)).toBe('UNAUTHENTICATED');
  });
});
