import type { Registry } from 'prom-client';
import type { ConfigOf } from '../../../platform/config/parseConfig.js';
import { bool, int, string, url } from '../../../platform/config/setting.js';
import type { Logger } from '../../../platform/log/createLogger.js';
import type { CachePolicy, VendorAuth, VendorClientOptions } from './VendorClientOptions.js';

export interface VendorDefaults {
  /** The sandbox vendor's URL, so that a laptop runs with no configuration. */
  readonly baseUrl: string;
  /** The sandbox vendor's key. */
  readonly apiKey: string;
  /** The vendor's documented max batch size. */
  readonly maxBatchSize: number;
  /** Default 1000 (ms). */
  readonly deadlineMs?: number;
  /** 0 disables caching. */
  readonly cacheTtlMs: number;
  /** Default 300000 (ms). */
  readonly cacheMaxStaleMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * The env settings every vendor subgraph has, under one prefix (`CATALOG_VENDOR_URL`, …).
 * Spread into the subgraph's own settings:
 * `parseConfig('catalog', { port: int(...), ...vendorSettings('CATALOG', {...}) }, env)`.
 */
export function vendorSettings(prefix: string, defaults: VendorDefaults) {
  const p = prefix.toUpperCase();
  return {
    vendorUrl: url(`${p}_VENDOR_URL`, { default: defaults.baseUrl, description: 'Base URL of the vendor API (the sandbox by default).' }),
    vendorKey: string(`${p}_VENDOR_KEY`, { default: defaults.apiKey, secret: true, description: 'API key or token the subgraph uses to call the vendor. Never logged.' }),
    deadlineMs: int(`${p}_VENDOR_DEADLINE_MS`, {
      default: defaults.deadlineMs ?? 1000,
      min: 1,
      max: 60_000,
      unit: 'ms',
      description: 'Latency budget of one vendor call, retries included; the HTTP request is aborted when it runs out.',
    }),
    connections: int(`${p}_VENDOR_CONNECTIONS`, { default: 32, min: 1, max: 1024, unit: 'connections', description: 'Keep-alive connections kept open to the vendor.' }),
    maxBodyBytes: int(`${p}_VENDOR_MAX_BODY_BYTES`, {
      default: 1_048_576,
      min: 1024,
      max: 67_108_864,
      unit: 'bytes',
      description: 'Largest 2xx vendor body read (per call; an operation may set its own): past it the response is dropped unread and the call fails as a bad response.',
    }),
    maxBatchSize: int(`${p}_VENDOR_MAX_BATCH`, {
      default: defaults.maxBatchSize,
      min: 1,
      max: 10_000,
      unit: 'keys',
      description: "Most keys sent in one batch call (the vendor's limit); larger batches are split and sent concurrently.",
    }),
    breakerErrorPercent: int(`${p}_BREAKER_ERROR_PERCENT`, {
      default: 50,
      min: 1,
      max: 100,
      unit: '%',
      description: 'Share of failed calls (vendor faults only: 5xx, timeouts, network, bad responses) over the window that opens the circuit breaker.',
    }),
    breakerVolume: int(`${p}_BREAKER_VOLUME`, {
      default: 10,
      min: 1,
      max: 100_000,
      unit: 'calls',
      description: 'Calls needed in the window before the circuit breaker may open.',
    }),
    breakerWindowMs: int(`${p}_BREAKER_WINDOW_MS`, {
      default: 10_000,
      min: 100,
      max: 600_000,
      unit: 'ms',
      description: 'Length of the rolling window over which the circuit breaker counts calls and failures.',
    }),
    breakerResetMs: int(`${p}_BREAKER_RESET_MS`, {
      default: 10_000,
      min: 100,
      max: 600_000,
      unit: 'ms',
      description: 'How long an open circuit breaker fails fast before letting one trial call through.',
    }),
    breakerConsecutiveFailures: int(`${p}_BREAKER_CONSECUTIVE_FAILURES`, {
      default: 3,
      min: 1,
      max: 100_000,
      unit: 'calls',
      description: 'Timeouts or connection failures in a row that open the circuit breaker whatever the volume (any vendor fault in a row below BREAKER_VOLUME), so a hang costs a few calls at any traffic.',
    }),
    retryMaxAttempts: int(`${p}_RETRY_MAX_ATTEMPTS`, {
      default: 3,
      min: 1,
      max: 10,
      unit: 'attempts',
      description: 'Attempts per idempotent call (a read, or a write the vendor deduplicates by idempotency key), the first included (1 disables retries). Other writes are never retried.',
    }),
    retryBaseMs: int(`${p}_RETRY_BASE_MS`, {
      default: 50,
      min: 1,
      max: 10_000,
      unit: 'ms',
      description: 'Base of the exponential backoff between retries (full jitter).',
    }),
    retryMaxDelayMs: int(`${p}_RETRY_MAX_DELAY_MS`, {
      default: 500,
      min: 1,
      max: 60_000,
      unit: 'ms',
      description: "Longest wait before one retry; a vendor Retry-After longer than this fails the call instead (and closes the rate-limit gate).",
    }),
    retryRateLimitedMinMs: int(`${p}_RETRY_RATE_LIMITED_MIN_MS`, {
      default: 500,
      min: 0,
      max: 60_000,
      unit: 'ms',
      description: 'Shortest wait before retrying a 429 whose Retry-After is 0 or missing (instead of retrying at once).',
    }),
    retryBudgetPercent: int(`${p}_RETRY_BUDGET_PERCENT`, {
      default: 10,
      min: 0,
      max: 100,
      unit: '%',
      description: 'Retries allowed, as a share of the successful vendor calls of the last 10 s (so at most that share of extra load); no retries while most recent calls fail.',
    }),
    retryAfterMaxMs: int(`${p}_RETRY_AFTER_MAX_MS`, {
      default: 60_000,
      min: 0,
      max: DAY_MS,
      unit: 'ms',
      description: "Longest a vendor's Retry-After (429/503) makes the subgraph stop calling it; never longer than the breaker reset either.",
    }),
    cacheTtlMs: int(`${p}_CACHE_TTL_MS`, {
      default: defaults.cacheTtlMs,
      min: 0,
      max: DAY_MS,
      unit: 'ms',
      description: 'How long a vendor answer is served from the shared cache without asking the vendor; 0 turns caching off.',
    }),
    cacheMaxStaleMs: int(`${p}_CACHE_MAX_STALE_MS`, {
      default: defaults.cacheMaxStaleMs ?? 300_000,
      min: 0,
      max: DAY_MS,
      unit: 'ms',
      description: 'How long after expiry a cached answer may still be served when the vendor fails.',
    }),
    batching: bool(`${p}_BATCHING`, {
      default: true,
      description: 'Batch entity lookups into the vendor batch endpoint. Turn off only for the naive benchmark baseline.',
    }),
  };
}

export type VendorSettings = ReturnType<typeof vendorSettings>;
/** The parsed values of `vendorSettings`; a subgraph's config that spread them satisfies it. */
export type VendorConfig = ConfigOf<VendorSettings>;

/** Builds the vendor client's options from the parsed config; `metrics` is the service's registry. */
export function toVendorClientOptions(
  name: string,
  config: VendorConfig,
  logger: Logger,
  auth: (key: string) => VendorAuth,
  metrics?: Registry,
): VendorClientOptions {
  return {
    name,
    baseUrl: config.vendorUrl,
    auth: auth(config.vendorKey),
    deadlineMs: config.deadlineMs,
    connections: config.connections,
    maxBodyBytes: config.maxBodyBytes,
    breaker: {
      errorThresholdPercentage: config.breakerErrorPercent,
      volumeThreshold: config.breakerVolume,
      rollingCountTimeoutMs: config.breakerWindowMs,
      resetTimeoutMs: config.breakerResetMs,
      consecutiveFailures: config.breakerConsecutiveFailures,
    },
    retry: {
      maxAttempts: config.retryMaxAttempts,
      baseDelayMs: config.retryBaseMs,
      maxDelayMs: config.retryMaxDelayMs,
      rateLimitedMinDelayMs: config.retryRateLimitedMinMs,
      budgetRatio: config.retryBudgetPercent / 100,
      retryAfterMaxMs: config.retryAfterMaxMs,
    },
    logger,
    ...(metrics ? { metrics } : {}),
  };
}

/** The cache policy the config describes. */
export function toCachePolicy(config: Pick<VendorConfig, 'cacheTtlMs' | 'cacheMaxStaleMs'>): CachePolicy {
  return { ttlMs: config.cacheTtlMs, maxStaleMs: config.cacheMaxStaleMs };
}
