/** Faults of webhook deliveries, set at run time through `/__sandbox/webhooks/faults`. */
export interface WebhookFaults {
  /** 0..1: share of successful deliveries sent a second time (same `webhook-id`). */
  duplicateRate: number;
  /** Each delivery first waits a random 0..window (ms), so events arrive out of order. */
  reorderWindowMs: number;
  /** Added before each delivery (ms). */
  delayMs: number;
  /** 0..1: share of events never delivered (no attempt, no retry), counted as dropped. */
  dropRate: number;
  /** The next n attempts are signed with a wrong secret. */
  badSignatureNext: number;
  /** The next n attempts carry a timestamp 10 minutes old (correctly signed for it). */
  staleTimestampNext: number;
  /** Deliveries are held until this is false again. */
  paused: boolean;
}

export const DEFAULT_WEBHOOK_FAULTS: Readonly<WebhookFaults> = Object.freeze({
  duplicateRate: 0,
  reorderWindowMs: 0,
  delayMs: 0,
  dropRate: 0,
  badSignatureNext: 0,
  staleTimestampNext: 0,
  paused: false,
});

const MAX_WAIT_MS = 600_000;
const MAX_COUNT = 100_000;

type Check = (v: unknown) => string | null;
const rate: Check = (v) => (typeof v === 'number' && v >= 0 && v <= 1 ? null : 'a number from 0 to 1');
const intIn = (max: number, unit: string): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? null : `an integer from 0 to ${max}${unit}`;
const CHECKS: Record<keyof WebhookFaults, Check> = {
  duplicateRate: rate,
  reorderWindowMs: intIn(MAX_WAIT_MS, ' (ms)'),
  delayMs: intIn(MAX_WAIT_MS, ' (ms)'),
  dropRate: rate,
  badSignatureNext: intIn(MAX_COUNT, ''),
  staleTimestampNext: intIn(MAX_COUNT, ''),
  paused: (v) => (typeof v === 'boolean' ? null : 'true or false'),
};

/** A partial of faults, or every problem with it at once. */
export function validateWebhookFaults(input: unknown): { ok: true; value: Partial<WebhookFaults> } | { ok: false; problems: string[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, problems: ['body must be a JSON object of webhook faults'] };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const check = CHECKS[key as keyof WebhookFaults] as Check | undefined;
    if (check === undefined) problems.push(`unknown fault '${key.slice(0, 50)}'; known: ${Object.keys(CHECKS).join(', ')}`);
    else {
      const expected = check(value);
      if (expected !== null) problems.push(`${key} must be ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: input as Partial<WebhookFaults> };
}
