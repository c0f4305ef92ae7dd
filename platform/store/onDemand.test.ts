import * as keyvRedisIndex from '@keyv/redis';
import * as flexible from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { keyvRedis, rateLimiterMemory, rateLimiterRedis } from './onDemand.js';

describe('onDemand', () => {
  it("loads rate-limiter-flexible's own classes from their files (a release that moves them fails here)", () => {
    const memory = rateLimiterMemory();
    expect(memory.RateLimiterMemory).toBe(flexible.RateLimiterMemory);
    expect(memory.RateLimiterRes).toBe(flexible.RateLimiterRes);
    expect(memory.RLWrapperTimeouts).toBe(flexible.RLWrapperTimeouts);
    expect(rateLimiterRedis()).toBe(flexible.RateLimiterRedis);
  });

  it('loads @keyv/redis with the functions the stores call', () => {
    const loaded = keyvRedis();
    expect(typeof loaded.createKeyv).toBe('function');
    expect(typeof loaded.createClient).toBe('function');
    expect(Object.keys(loaded)).toEqual(expect.arrayContaining(Object.keys(keyvRedisIndex).filter((name) => name !== 'default' && name !== 'module.exports')));
  });
});
