import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { registerPrivateJwk, takeLeaks } from '../harness/secrets.js';

/** The scanner must catch what it claims to, or the suite-wide "no secret in any response" proves nothing. */
describe('response secret scanner', () => {
  it('catches vendor keys, registered signing keys and private key material in bodies and headers', async () => {
    registerPrivateJwk({ kty: 'EC', d: 'registered-private-scalar-value-1234567890' });
    const bodies = [
      '{"error":"bad key sandbox-reviews-key"}',
      'token signed with registered-private-scalar-value-1234567890',
      '{"kty":"RSA","d":"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"}',
      '-----BEGIN PRIVATE KEY-----\nMIIE...',
    ];
    const server = createServer((req, res) => {
      const i = Number(req.url?.slice(1));
      if (i === bodies.length) res.setHeader('x-debug', 'sandbox-identity-key');
      res.end(bodies[i] ?? 'clean');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (let i = 0; i <= bodies.length; i++) await (await fetch(`http://127.0.0.1:${port}/${i}`)).text();
      await new Promise((r) => setTimeout(r, 20));
      const leaks = takeLeaks();
      expect(leaks).toHaveLength(5);
      // The report names the place, never the whole secret.
      expect(leaks.join('\n')).not.toContain('sandbox-reviews-key');
    } finally {
      server.close();
    }
  });
});
