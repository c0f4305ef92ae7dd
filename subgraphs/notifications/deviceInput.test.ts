import { describe, expect, it } from 'vitest';
import { deviceInput } from './deviceInput.js';

const ok = { platform: 'ANDROID', token: `x${'A'.repeat(40)}:_-`, locale: 'en', appVersion: '3.4.0' };
const argumentOf = (args: Record<string, string>): string | undefined => {
  try {
    deviceInput({ ...ok, ...args });
    return undefined;
  } catch (err) {
    return (err as { extensions?: { argument?: string } }).extensions?.argument;
  }
};

describe('deviceInput', () => {
  it('keeps APNs tokens in lower case and locales as Intl spells them; FCM tokens untouched', () => {
    expect(deviceInput({ ...ok, platform: 'IOS', token: 'AB'.repeat(32), locale: 'pt-br' })).toEqual({ platform: 'IOS', token: 'ab'.repeat(32), locale: 'pt-BR', appVersion: '3.4.0' });
    expect(deviceInput({ ...ok, token: 'AbC'.repeat(20) }).token).toBe('AbC'.repeat(20));
  });

  it.each([
    ['IOS with 65 hex', { platform: 'IOS', token: 'a'.repeat(65) }, 'token'],
    ['ANDROID with a slash', { token: `${'a'.repeat(40)}/` }, 'token'],
    ['ANDROID with 4096 characters (the most)', { token: 'a'.repeat(4096) }, undefined],
    ['a 35-character locale (the most)', { locale: `en-US-x-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(7)}-d` }, undefined],
    ['a 36-character locale', { locale: `en-US-x-${'a'.repeat(8)}-${'b'.repeat(8)}-${'c'.repeat(8)}-d` }, 'locale'],
    ['a locale of digits', { locale: '1234' }, 'locale'],
    ['a 32-character appVersion (the most)', { appVersion: '1'.repeat(32) }, undefined],
    ['an appVersion with a slash', { appVersion: '3.4/1' }, 'appVersion'],
  ])('%s', (_name, args, argument) => {
    expect(argumentOf(args)).toBe(argument);
  });
});
