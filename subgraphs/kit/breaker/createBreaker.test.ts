import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type CircuitBreaker from 'opossum';
import { VendorError } from '../errors/VendorError.js';
import { createLogger } from '../../../platform/log/createLogger.js';
import { breakerState, createBreaker, isBreakerOpenError } from './createBreaker.js';

const options = { errorThresholdPercentage: 50, volumeThreshold: 2, rollingCountTimeoutMs: 10_000, resetTimeoutMs: 100, consecutiveFailures: 3 };
const breakers: CircuitBreaker<[Error | null], string>[] = [];
afterEach(() => breakers.splice(0).forEach((b) => b.shutdown()));

function make(ignore?: (err: unknown) => boolean, overrides: Partial<typeof options> = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  const breaker = createBreaker(async (err: Error | null) => {
    if (err) throw err;
    return 'ok';
  }, { name: 'acme.items', options: { ...options, ...overrides }, logger: createLogger({ service: 'test', level: 'info', destination }), ...(ignore ? { ignore } : {}) });
  breakers.push(breaker);
  return { breaker, lines };
}

const vendorFault = () => new VendorError('server', { vendor: 'acme', operation: 'items', status: 500 });
const callerFault = () => new VendorError('rejected', { vendor: 'acme', operation: 'items', status: 422 });

describe('createBreaker', () => {
  it('counts vendor faults only; other errors still reject but do not count', async () => {
    const { breaker } = make();
    for (let i = 0; i < 5; i++) await expect(breaker.fire(callerFault())).rejects.toBeInstanceOf(VendorError);
    await expect(breaker.fire(new Error('not a vendor error'))).rejects.toThrow('not a vendor error');
    // Only a VendorError that is a vendor fault counts; the vendor client turns everything into VendorErrors.
    expect(breakerState(breaker)).toBe('closed');
  });

  it('opens on vendor faults, rejects with EOPENBREAKER, half-opens after reset and closes on success — logging each change', async () => {
    const { breaker, lines } = make();
    await expect(breaker.fire(vendorFault())).rejects.toBeInstanceOf(VendorError);
    await expect(breaker.fire(vendorFault())).rejects.toBeInstanceOf(VendorError);
    expect(breakerState(breaker)).toBe('open');
    const refused = await breaker.fire(null).catch((e: unknown) => e);
    expect(isBreakerOpenError(refused)).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(breakerState(breaker)).toBe('halfOpen');
    await expect(breaker.fire(null)).resolves.toBe('ok');
    expect(breakerState(breaker)).toBe('closed');
    expect(lines.map((l) => [l.level, l.state, l.breaker])).toEqual([
      [40, 'open', 'acme.items'],
      [30, 'halfOpen', 'acme.items'],
      [30, 'closed', 'acme.items'],
    ]);
  });

  it('opens after consecutiveFailures vendor faults in a row, whatever the volume and the successes before them', async () => {
    const { breaker, lines } = make(undefined, { volumeThreshold: 1000 });
    for (let i = 0; i < 50; i++) await breaker.fire(null);
    await expect(breaker.fire(vendorFault())).rejects.toBeInstanceOf(VendorError);
    await expect(breaker.fire(vendorFault())).rejects.toBeInstanceOf(VendorError);
    expect(breakerState(breaker)).toBe('closed');
    await expect(breaker.fire(vendorFault())).rejects.toBeInstanceOf(VendorError);
    expect(breakerState(breaker)).toBe('open');
    expect(lines[0]).toMatchObject({ state: 'open', consecutiveFailures: 3 });
  });

  it('at volume, a streak of timeouts opens it but a streak of fast 5xx is left to the rate rule', async () => {
    const timeout = () => new VendorError('timeout', { vendor: 'acme', operation: 'items' });
    const { breaker } = make(undefined, { volumeThreshold: 10, errorThresholdPercentage: 50 });
    for (let i = 0; i < 40; i++) await breaker.fire(null);
    for (let i = 0; i < 5; i++) await breaker.fire(vendorFault()).catch(() => undefined);
    expect(breakerState(breaker)).toBe('closed'); // 5 of 45 failed: a vendor answering, mostly
    await breaker.fire(null);
    for (let i = 0; i < 2; i++) await breaker.fire(timeout()).catch(() => undefined);
    expect(breakerState(breaker)).toBe('closed');
    await breaker.fire(timeout()).catch(() => undefined);
    expect(breakerState(breaker)).toBe('open');
  });

  it('an answer (success or 4xx) ends the streak; a call the caller cancelled does not', async () => {
    const ignored = new WeakSet<object>();
    const { breaker } = make((err) => typeof err === 'object' && err !== null && ignored.has(err), { volumeThreshold: 1000 });
    for (const answer of [null, callerFault()]) {
      await breaker.fire(vendorFault()).catch(() => undefined);
      await breaker.fire(vendorFault()).catch(() => undefined);
      await breaker.fire(answer).catch(() => undefined);
      expect(breakerState(breaker)).toBe('closed');
    }
    await breaker.fire(vendorFault()).catch(() => undefined);
    await breaker.fire(vendorFault()).catch(() => undefined);
    const cancelled = vendorFault();
    ignored.add(cancelled);
    await breaker.fire(cancelled).catch(() => undefined);
    expect(breakerState(breaker)).toBe('closed');
    await breaker.fire(vendorFault()).catch(() => undefined);
    expect(breakerState(breaker)).toBe('open');
  });

  it('does not count errors the ignore hook names', async () => {
    const ignored = new WeakSet<object>();
    const { breaker } = make((err) => typeof err === 'object' && err !== null && ignored.has(err));
    for (let i = 0; i < 4; i++) {
      const err = vendorFault();
      ignored.add(err);
      await expect(breaker.fire(err)).rejects.toBe(err);
    }
    expect(breakerState(breaker)).toBe('closed');
  });
});
