import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createBranding } from '../sandbox/branding.js';
import { CallRecorder } from '../sandbox/CallRecorder.js';
import { FaultController } from '../sandbox/FaultController.js';
import { CONTROL_PREFIX, handleControl } from '../sandbox/handleControl.js';
import { sendJson, sendText } from '../sandbox/json.js';
import type { Faults, RunningVendor, VendorControl } from '../sandbox/types.js';
import { apnsControlRoutes } from './apnsControlRoutes.js';
import { APNS_SANDBOX_BUNDLE_ID, APNS_SANDBOX_PRIVATE_KEY_PEM, APNS_SANDBOX_PUBLIC_KEY_PEM, APNS_SANDBOX_TEAM_ID } from './apnsKeyFixture.js';
import { createNotificationHandler } from './handleNotification.js';
import { NotificationLog } from './NotificationLog.js';
import { ProviderTokenVerifier, type ProviderKey } from './ProviderTokenVerifier.js';
import type { ApnsNotification } from './readNotification.js';
import { startH2cServer } from './startH2cServer.js';
import { UnregisteredDevices } from './UnregisteredDevices.js';

export interface ApnsVendorOptions {
  /** The key id (`kid`) of the provider key it trusts; the sandbox's API key (`sandbox-apns-key`). */
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) it starts with and returns to on reset; default 0. */
  latencyMs?: number;
  /** The team that owns the key (`iss`); default the fixture's. */
  teamId?: string;
  /** SPKI PEM of the key; default the fixture's. */
  publicKeyPem?: string;
  /** Bundle ids the team may push to (`apns-topic`); default the fixture's one. */
  topics?: readonly string[];
  /** More provider keys it trusts (other teams, a rotated key). */
  extraKeys?: readonly ProviderKey[];
  /** Faults it starts with and returns to on reset (over the baseline latency). */
  defaultFaults?: Partial<Faults>;
  /** Seed of the PRNG behind jitter and errorRate. */
  seed?: number;
  /** Tests: the vendor's clock (epoch ms) for token ages and timestamps; default Date.now. */
  clock?: () => number;
}

/** The push-specific side, for tests in the same process (the same as the `/__sandbox/…` routes). */
export interface ApnsSandboxControl {
  readonly keyId: string;
  readonly teamId: string;
  readonly topics: readonly string[];
  /** Later sends to `token` → 410 Unregistered with this timestamp (default now); answers the timestamp kept. */
  unregister(token: string, at?: number): number;
  notifications(filter?: { token?: string; topic?: string }): { count: number; notifications: ApnsNotification[] };
  clearNotifications(): void;
  /** Open connections, HTTP/2 sessions and timers; 0 once closed. */
  openHandles(): number;
}

export interface RunningApnsVendor extends RunningVendor {
  readonly apns: ApnsSandboxControl;
}

export const APNS_BRAND = sandboxVendorEntry('apns').brand;
const INTERNAL_HOST = 'push-gw.orchard.internal';
/** A provider token is reused this long (s) by `authHeaders`: inside APNs' 20 to 60 minute window. */
const AUTH_HEADER_TOKEN_LIFETIME_S = 30 * 60;

/**
 * "Orchard", the push vendor shaped like Apple Push Notification service: `POST
 * /3/device/{token}` over HTTP/2 with provider-token (JWT) auth, APNs' headers, limits and
 * `{ reason }` errors, the sandbox's faults and counters, and a log of what it accepted.
 */
export async function createApnsVendor(options: ApnsVendorOptions): Promise<RunningApnsVendor> {
  if (options.apiKey.length === 0) throw new TypeError('apns: apiKey (the key id) must not be empty');
  const clock = options.clock ?? Date.now;
  const teamId = options.teamId ?? APNS_SANDBOX_TEAM_ID;
  const topics = Object.freeze([...(options.topics ?? [APNS_SANDBOX_BUNDLE_ID])]);
  const keyId = options.apiKey;
  const verifier = await ProviderTokenVerifier.create(
    [{ keyId, teamId, publicKeyPem: options.publicKeyPem ?? APNS_SANDBOX_PUBLIC_KEY_PEM }, ...(options.extraKeys ?? [])],
    clock,
  );
  const faults = new FaultController({ latencyMs: options.latencyMs ?? 0, ...options.defaultFaults }, options.seed);
  const recorder = new CallRecorder();
  const log = new NotificationLog();
  const unregistered = new UnregisteredDevices();
  const brand = createBranding({ brand: APNS_BRAND, internalHost: INTERNAL_HOST });
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const control: VendorControl = {
    setFaults: (partial) => faults.set(partial),
    resetFaults: () => faults.reset(),
    faults: () => faults.get(),
    stats: () => recorder.stats(),
    // "What it received" includes the notification log, so a between-tests reset clears both.
    resetStats: () => {
      recorder.reset();
      log.clear();
    },
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      // A request that reaches its latency after close() (its body or token still being read then) must not start a timer.
      if (closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const handleNotification = createNotificationHandler({
    faults,
    recorder,
    verifier,
    log,
    unregistered,
    brand,
    topics,
    clock,
    sleep,
    closing: () => closed,
  });
  const controlTarget = { name: 'apns', brand: APNS_BRAND, control, extraRoutes: apnsControlRoutes(log, unregistered, clock) };
  const isControl = (path: string): boolean => path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
  const pathOf = (url: string | undefined): string | null => {
    try {
      return new URL(url ?? '/', 'http://sandbox.invalid').pathname;
    } catch {
      return null;
    }
  };

  const server = await startH2cServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    onHttp2(req, res) {
      const path = pathOf(req.url);
      const work =
        path !== null && isControl(path)
          ? // The compatibility API of node:http2 is shaped like node:http's, which the shared control handler takes.
            handleControl(req as unknown as IncomingMessage, res as unknown as ServerResponse, path, controlTarget)
          : handleNotification(req, res, path ?? req.url);
      work.catch(() => {
        if (!res.headersSent && !res.stream.destroyed) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'InternalServerError' }));
      });
    },
    onHttp1(req, res) {
      const path = pathOf(req.url);
      if (path === null || !isControl(path)) {
        sendText(res, 505, 'This API speaks HTTP/2 only (as APNs does); /__sandbox/* also answers HTTP/1.1.\n', { ...brand.headers });
        return;
      }
      handleControl(req, res, path, controlTarget).catch(() => sendJson(res, 500, brand.internalErrorBody(), { ...brand.headers }));
    },
  });

  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const signer = options.publicKeyPem === undefined ? createPrivateKey(APNS_SANDBOX_PRIVATE_KEY_PEM) : null;
  let cached: { token: string; iat: number } | null = null;
  const providerToken = (): string | null => {
    if (signer === null) return null;
    const now = Math.floor(clock() / 1000);
    if (cached === null || now - cached.iat >= AUTH_HEADER_TOKEN_LIFETIME_S) cached = { token: signEs256(signer, keyId, teamId, now), iat: now };
    return cached.token;
  };

  return {
    name: 'apns',
    brand: APNS_BRAND,
    url: `http://${urlHost}:${server.port}`,
    port: server.port,
    apiKey: keyId,
    /** A provider token signed with the fixture key (reused for 30 minutes) and the default topic. */
    get authHeaders() {
      const token = providerToken();
      return Object.freeze({ ...(token === null ? {} : { authorization: `bearer ${token}` }), 'apns-topic': topics[0] ?? '' });
    },
    control,
    apns: {
      keyId,
      teamId,
      topics,
      unregister: (token, at) => unregistered.unregister(token, at ?? clock()),
      notifications: (filter) => log.list(filter),
      clearNotifications: () => log.clear(),
      openHandles: () => server.openHandles() + timers.size,
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return server.close();
    },
  };
}

/** A provider token, synchronously (node:crypto), for `authHeaders`; callers sign theirs with jose (apnsClient). */
function signEs256(key: KeyObject, kid: string, iss: string, iat: number): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'ES256', kid })}.${part({ iss, iat })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
