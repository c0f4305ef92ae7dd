import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../platform/metrics/createMetricsRegistry.js';
import { parsePrometheusText } from '../../../test/harness/prometheusText.js';
import { MAX_OPERATION_NAME_CHARS, OPERATION_LABEL, operationLabel } from '../../src/metrics/operationLabel.js';
import { operationMetrics } from '../../src/metrics/operationMetrics.js';

const flood = (n: number) => Array.from({ length: n }, (_, i) => `Flood${i}`);

describe('operationLabel', () => {
  it('a flood of 1,000 distinct names yields the cap of names and __other, nothing more', () => {
    const label = operationLabel({ maxUnlisted: 50 });
    const labels = new Set(flood(1_000).map((name) => label.ofOperation(name)));
    expect(labels.size).toBe(51);
    expect(labels).toContain(OPERATION_LABEL.other);
    expect(labels).toContain('Flood0');
    expect(labels).toContain('Flood49');
    expect(labels).not.toContain('Flood50');
  });

  it('the app builds’ names always get their own label, before, during and after a flood', () => {
    const label = operationLabel({ known: ['HomeScreen', 'ProductPage'], maxUnlisted: 5 });
    for (const name of flood(1_000)) label.ofOperation(name);
    expect(label.ofOperation('HomeScreen')).toBe('HomeScreen');
    expect(label.ofClaimed('ProductPage')).toBe('ProductPage');
    expect(label.ofOperation('Flood4')).toBe('Flood4');
    expect(label.ofOperation('Flood5')).toBe(OPERATION_LABEL.other);
  });

  it('a claimed name never takes an unlisted slot: an app build’s name keeps its label, any other is __other', () => {
    const label = operationLabel({ known: ['HomeScreen'], maxUnlisted: 2 });
    // A flood of made-up names on persisted-query misses (no document: nothing to resolve).
    for (const name of flood(1_000)) expect(label.ofClaimed(name)).toBe(OPERATION_LABEL.other);
    expect(label.ofClaimed('HomeScreen')).toBe('HomeScreen');
    // Both slots are still free for operations that resolve.
    expect(label.ofOperation('Search')).toBe('Search');
    expect(label.ofOperation('Browse')).toBe('Browse');
    expect(label.ofOperation('Third')).toBe(OPERATION_LABEL.other);
    // A claim is judged alike before and after the name resolved once: no label depends on arrival order.
    expect(label.ofClaimed('Search')).toBe(OPERATION_LABEL.other);
  });

  it('a name keeps its label once given one, and counts once against the cap', () => {
    const label = operationLabel({ maxUnlisted: 2 });
    for (let i = 0; i < 10; i++) expect(label.ofOperation('Search')).toBe('Search');
    expect(label.ofOperation('Browse')).toBe('Browse');
    expect(label.ofOperation('Third')).toBe(OPERATION_LABEL.other);
    expect(label.ofOperation('Search')).toBe('Search');
  });

  it.each([
    ['a space', 'Home Screen'],
    ['a leading digit', '1Home'],
    ['punctuation', 'Home-Screen'],
    ['a quote and a brace', 'x"}evil{'],
    ['a newline', 'Home\nScreen'],
    ['non-ASCII', 'Accueil_é'],
    ['too long', 'A'.repeat(MAX_OPERATION_NAME_CHARS + 1)],
    ['one of our own labels', '__anonymous'],
    ['a reserved name', '__schema'],
  ])('a name with %s reads as __other and takes no place under the cap', (_what, name) => {
    const label = operationLabel({ maxUnlisted: 1 });
    expect(label.ofOperation(name)).toBe(OPERATION_LABEL.other);
    expect(label.ofClaimed(name)).toBe(OPERATION_LABEL.other);
    expect(label.ofOperation('StillRoom')).toBe('StillRoom');
  });

  it('a well-formed name at the length limit is kept', () => {
    const name = `A${'b'.repeat(MAX_OPERATION_NAME_CHARS - 1)}`;
    expect(operationLabel().ofOperation(name)).toBe(name);
  });

  it('malformed names given as known are not kept either', () => {
    const label = operationLabel({ known: ['Home Screen'], maxUnlisted: 0 });
    expect(label.ofOperation('Home Screen')).toBe(OPERATION_LABEL.other);
  });

  it('no name: __anonymous for an operation, __unknown for a claim', () => {
    const label = operationLabel();
    expect(label.ofOperation(undefined)).toBe(OPERATION_LABEL.anonymous);
    expect(label.ofOperation(null)).toBe(OPERATION_LABEL.anonymous);
    expect(label.ofOperation('')).toBe(OPERATION_LABEL.anonymous);
    expect(label.ofClaimed(undefined)).toBe(OPERATION_LABEL.unknown);
    expect(label.ofClaimed('')).toBe(OPERATION_LABEL.unknown);
  });
});

describe('operation metrics under a flood of names', () => {
  it('the exposition holds at most the cap and a few series per metric', async () => {
    const registry = createMetricsRegistry({ service: 'gateway', processMetrics: false });
    const label = operationLabel({ known: ['HomeScreen'], maxUnlisted: 50 });
    const metrics = operationMetrics(registry);
    metrics.answered(label.ofOperation('HomeScreen'), 0.01, []);
    for (const name of flood(1_000)) metrics.answered(label.ofOperation(name), 0.002, ['BAD_USER_INPUT', 'made-up code']);

    const exposition = parsePrometheusText(await registry.metrics());
    const requests = exposition.find('gateway_requests_total');
    // HomeScreen, 50 names, __other.
    expect(requests).toHaveLength(52);
    expect(exposition.value('gateway_requests_total', { operation: 'HomeScreen' })).toBe(1);
    expect(exposition.value('gateway_requests_total', { operation: OPERATION_LABEL.other })).toBe(950);
    expect(exposition.find('gateway_request_duration_seconds_count')).toHaveLength(52);
    // Two codes for each of the 51 labels the flood used: a code outside the registry reads as UNKNOWN.
    expect(exposition.find('gateway_request_errors_total')).toHaveLength(102);
    expect(exposition.value('gateway_request_errors_total', { operation: OPERATION_LABEL.other, code: 'UNKNOWN' })).toBe(950);
    expect(exposition.samples.some((s) => Object.values(s.labels).includes('made-up code'))).toBe(false);
  });
});
