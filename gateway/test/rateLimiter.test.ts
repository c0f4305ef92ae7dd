import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../src/config.js';
import { addressKey, clientAddress } from '../src/rateLimit/clientAddress.js';
import { createRateLimiter } from '../src/rateLimit/createRateLimiter.js';
import { installId } from '../src/rateLimit/installId.js';
import { silentLogger } from '../../test/harness/testSubgraphs.js';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('with no trusted proxy, is the socket address whatever x-forwarded-for says', () => {
    expect(clientAddress(request('192.0.2.7', '1.1.1.1'), 0)).toBe('192.0.2.7');
    expect(clientAddress(request('::ffff:192.0.2.7'), 0)).toBe('192.0.2.7');
  });

  it('with N trusted proxies, is the Nth address from the right of x-forwarded-for', () => {
    expect(clientAddress(request('10.0.0.1', '6.6.6.6, 198.51.100.9'), 1)).toBe('198.51.100.9');
    expect(clientAddress(request('10.0.0.1', '6.6.6.6, 198.51.100.9, 10.0.0.2'), 2)).toBe('198.51.100.9');
    // Fewer addresses than hops: the leftmost.
    expect(clientAddress(request('10.0.0.1', '198.51.100.9'), 3)).toBe('198.51.100.9');
    // Ports and brackets some proxies add.
    expect(clientAddress(request('10.0.0.1', '198.51.100.9:5555'), 1)).toBe('198.51.100.9');
    expect(clientAddress(request('10.0.0.1', '[2001:db8::1]:443'), 1)).toBe('2001:db8::1');
  });

  it('falls back to the socket address when the header is missing or not an address', () => {
    expect(clientAddress(request('10.0.0.1'), 1)).toBe('10.0.0.1');
    expect(clientAddress(request('10.0.0.1', 'not-an-ip'), 1)).toBe('10.0.0.1');
    expect(clientAddress(request('10.0.0.1', ' , '), 1)).toBe('10.0.0.1');
  });

  it('keys IPv6 by /64 (one subscriber’s network), IPv4 by address', () => {
    expect(addressKey('198.51.100.9')).toBe('198.51.100.9');
    expect(addressKey('2001:db8:a:b:1:2:3:4')).toBe('2001:db8:a:b::/64');
    expect(addressKey('2001:db8:a:b::ffff')).toBe('2001:db8:a:b::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });
});

describe('installId', () => {
  const withHeader = (value: string | string[] | undefined) => ({ headers: value === undefined ? {} : { 'x-install-id': value } }) as unknown as IncomingMessage;

  it('is the x-install-id UUID, lower-cased (one install, one key, whatever its case)', () => {
    expect(installId(withHeader('0F8FAD5B-D9CB-469F-A165-70867728950E'))).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(installId(withHeader(' 7c9e6679-7425-40de-944b-e07fc1f90ae7 '))).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
  });

  it('anything else is ignored, as if none was sent', () => {
    const uuid = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    for (const value of [undefined, '', 'install-1', uuid.replaceAll('-', ''), `{${uuid}}`, `${uuid}0`, `${uuid}, ${uuid}`, [uuid, uuid], 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', `${' '.repeat(60)}${uuid}`]) {
      expect(installId(withHeader(value)), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('RATE_LIMIT_PER_IP_SHARED', () => {
  it('defaults to 10 × RATE_LIMIT_PER_IP (so 0, no limit, when that is off), and can be set on its own', () => {
    expect(parseGatewayConfig({}).rateLimitPerIpShared).toBe(6_000);
    expect(parseGatewayConfig({ RATE_LIMIT_PER_IP: '50' }).rateLimitPerIpShared).toBe(500);
    expect(parseGatewayConfig({ RATE_LIMIT_PER_IP: '0' }).rateLimitPerIpShared).toBe(0);
    expect(parseGatewayConfig({ RATE_LIMIT_PER_IP: '50', RATE_LIMIT_PER_IP_SHARED: '2000' }).rateLimitPerIpShared).toBe(2_000);
    expect(() => parseGatewayConfig({ RATE_LIMIT_PER_IP_SHARED: 'lots' })).toThrow(/RATE_LIMIT_PER_IP_SHARED/);
  });
});

describe('createRateLimiter', () => {
  it('in memory: allows `perIp` operations per window per key, then says when to retry', async () => {
    const limiter = createRateLimiter({ perIp: 3, perIpShared: 0, perUser: 0, windowS: 60, redisUrl: undefined, redisPrefix: 't', logger: silentLogger });
    await limiter.ready();
    expect(await limiter.consume('ip', 'a', 2)).toEqual({ allowed: true });
    expect(await limiter.consume('ip', 'a', 1)).toEqual({ allowed: true });
    const refused = await limiter.consume('ip', 'a', 1);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(await limiter.consume('ip', 'b', 3)).toEqual({ allowed: true });
    // perUser 0 = no limit.
    for (let i = 0; i < 10; i++) expect(await limiter.consume('user', 'u', 100)).toEqual({ allowed: true });
    await limiter.close();
  });

  it('with Redis unreachable, still limits (the in-memory insurance counts): it never silently stops limiting', async () => {
    // Port 1: nothing listens; the client keeps retrying in the background.
    const limiter = createRateLimiter({
      perIp: 2,
      perIpShared: 0,
      perUser: 0,
      windowS: 60,
      redisUrl: 'redis://127.0.0.1:1',
      redisPrefix: `t-${randomUUID()}`,
      logger: silentLogger,
      connectWaitMs: 100,
    });
    expect(limiter.kind).toBe('redis');
    await limiter.ready();
    expect(await limiter.consume('ip', 'a', 1)).toEqual({ allowed: true });
    expect(await limiter.consume('ip', 'a', 1)).toEqual({ allowed: true });
    expect((await limiter.consume('ip', 'a', 1)).allowed).toBe(false);
    await limiter.close();
  });
});
