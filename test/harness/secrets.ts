import { SANDBOX_EVENTS_SECRET, sandboxVendorEntries } from '../../platform/registry/services.js';

/**
 * Secret values the suite knows about (vendor keys, client secrets, signing keys).
 * `test/setup/scanResponses.ts` fails any test file whose HTTP responses contain one.
 */
const secrets = new Set<string>(
  // The sandbox's default vendor keys and client secrets (what every subgraph holds), from
  // the registry: pure data, cheap to load in every test file, unlike the sandbox itself.
  sandboxVendorEntries.flatMap((vendor) => [vendor.defaultKey, ...(vendor.secrets ?? [])]),
);
// What our services sign their events to each other with by default: never in a response either.
secrets.add(SANDBOX_EVENTS_SECRET);

function registerSecret(value: string | undefined): void {
  // Short values would match by accident; real keys are long.
  if (value && value.length >= 12) secrets.add(value);
}

/** Registers the private members of a JWK (as JSON or object): `d`, `p`, `q`, `dp`, `dq`, `qi`, `k`. */
export function registerPrivateJwk(jwk: string | Record<string, unknown>): void {
  const parsed = typeof jwk === 'string' ? (JSON.parse(jwk) as Record<string, unknown>) : jwk;
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    const value = parsed[member];
    if (typeof value === 'string') registerSecret(value);
  }
}

export function knownSecrets(): readonly string[] {
  return [...secrets];
}

/** Private key material in any encoding we know, whether or not it was registered. */
export const PRIVATE_KEY_PATTERNS: readonly RegExp[] = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /"(d|p|q|dp|dq|qi)"\s*:\s*"[A-Za-z0-9_-]{20,}"/];

const leaks: string[] = [];

export function recordLeak(description: string): void {
  leaks.push(description);
}

/** Returns and forgets the leaks seen so far (the scanner's own test uses it). */
export function takeLeaks(): string[] {
  return leaks.splice(0, leaks.length);
}
