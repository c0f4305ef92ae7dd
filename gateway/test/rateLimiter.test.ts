import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../src/rateLimit/clientAddress.js';
import { createRateLimiter } from '../src/rateLimit/createRateLimiter.js';
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

describe('createRateLimiter', () => {
  it('in memory: allows `perIp` operations per window per key, then says when to retry', async () => {
    const limiter = createRateLimiter({ perIp: 3, perUser: 0, windowS: 60, redisUrl: undefined, redisPrefix: 't', logger: silentLogger });
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
