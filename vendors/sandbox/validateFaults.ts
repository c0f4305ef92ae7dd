import type { Faults, RateLimit, ScriptEntry } from './types.js';

export type FaultsCheck = { ok: true; value: Partial<Faults> } | { ok: false; problems: string[] };

const KEYS = ['latencyMs', 'jitterMs', 'errorRate', 'hang', 'outage', 'rateLimit', 'script'] as const;
/** Ten minutes: anything longer is a typo, and would outlive every client deadline anyway. */
const MAX_DELAY_MS = 600_000;
const MAX_SCRIPT = 10_000;

const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v));
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks a partial `Faults` from an untrusted source (the control endpoint, or a test) and
 * lists every problem at once, saying what was expected and what came instead.
 */
export function validateFaults(input: unknown): FaultsCheck {
  if (!isObject(input)) return { ok: false, problems: [`expected a JSON object of faults, got ${show(input)}`] };
  const problems: string[] = [];
  const out: Partial<Faults> = {};
  for (const key of Object.keys(input)) {
    if (!(KEYS as readonly string[]).includes(key)) problems.push(`unknown key '${key}' (known: ${KEYS.join(', ')})`);
  }
  const delay = (key: 'latencyMs' | 'jitterMs'): void => {
    if (!(key in input)) return;
    const v = input[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_DELAY_MS) out[key] = v;
    else problems.push(`${key}: expected a number of ms from 0 to ${MAX_DELAY_MS}, got ${show(v)}`);
  };
  delay('latencyMs');
  delay('jitterMs');
  if ('errorRate' in input) {
    const v = input.errorRate;
    if (typeof v === 'number' && v >= 0 && v <= 1) out.errorRate = v;
    else problems.push(`errorRate: expected a probability from 0 to 1, got ${show(v)}`);
  }
  for (const key of ['hang', 'outage'] as const) {
    if (!(key in input)) continue;
    const v = input[key];
    if (typeof v === 'boolean') out[key] = v;
    else problems.push(`${key}: expected true or false, got ${show(v)}`);
  }
  if ('rateLimit' in input) {
    const r = checkRateLimit(input.rateLimit);
    if (typeof r === 'string') problems.push(r);
    else out.rateLimit = r;
  }
  if ('script' in input) {
    const v = input.script;
    if (!Array.isArray(v) || v.length > MAX_SCRIPT) {
      problems.push(`script: expected an array of at most ${MAX_SCRIPT} { status, retryAfterS?, body? } entries, got ${show(v)}`);
    } else {
      const entries: ScriptEntry[] = [];
      v.forEach((entry: unknown, i) => {
        const e = checkScriptEntry(entry, `script[${i}]`);
        if (typeof e === 'string') problems.push(e);
        else entries.push(e);
      });
      out.script = entries;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: out };
}

function checkRateLimit(v: unknown): RateLimit | null | string {
  if (v === null) return null;
  const expected = 'null or { limit: integer ≥ 1, windowMs: integer ≥ 1 }';
  if (!isObject(v)) return `rateLimit: expected ${expected}, got ${show(v)}`;
  const extra = Object.keys(v).filter((k) => k !== 'limit' && k !== 'windowMs');
  const { limit, windowMs } = v;
  const okInt = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;
  if (extra.length > 0 || !okInt(limit, 1_000_000_000) || !okInt(windowMs, 86_400_000)) {
    return `rateLimit: expected ${expected}, got ${show(v)}`;
  }
  return { limit, windowMs };
}

function checkScriptEntry(v: unknown, where: string): ScriptEntry | string {
  const expected = '{ status: integer 200..599, retryAfterS?: integer 0..86400, body?: any JSON }';
  if (!isObject(v)) return `${where}: expected ${expected}, got ${show(v)}`;
  const extra = Object.keys(v).filter((k) => !['status', 'retryAfterS', 'body'].includes(k));
  const { status, retryAfterS } = v;
  const statusOk = typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599;
  const retryOk = retryAfterS === undefined || (typeof retryAfterS === 'number' && Number.isInteger(retryAfterS) && retryAfterS >= 0 && retryAfterS <= 86_400);
  if (extra.length > 0 || !statusOk || !retryOk) return `${where}: expected ${expected}, got ${show(v)}`;
  const entry: ScriptEntry = { status: status as number };
  if (retryAfterS !== undefined) entry.retryAfterS = retryAfterS as number;
  if ('body' in v) entry.body = v.body;
  return entry;
}
