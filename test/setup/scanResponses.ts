/**
 * Runs in every test file: every HTTP response a test reads through `fetch` is scanned
 * for secret values (vendor keys, client secrets, signing keys) and private key
 * material. A leak anywhere in the suite fails the file that saw it.
 */
import { afterAll, expect } from 'vitest';
import { knownSecrets, PRIVATE_KEY_PATTERNS, recordLeak, takeLeaks } from '../harness/secrets.js';

const originalFetch = globalThis.fetch;

function scan(url: string, text: string): void {
  for (const secret of knownSecrets()) {
    if (text.includes(secret)) recordLeak(`${url}: contains the secret ${secret.slice(0, 4)}…`);
  }
  for (const pattern of PRIVATE_KEY_PATTERNS) {
    if (pattern.test(text)) recordLeak(`${url}: contains private key material (${pattern.source})`);
  }
}

globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const response = await originalFetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  // Scan a copy, headers included, without consuming the body the test will read.
  const headerText = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  scan(url, headerText);
  if (response.body) {
    response
      .clone()
      .text()
      .then((text) => scan(url, text))
      .catch(() => undefined);
  }
  return response;
};

afterAll(async () => {
  // Let pending body scans finish.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(takeLeaks(), 'secrets leaked in HTTP responses').toEqual([]);
});
