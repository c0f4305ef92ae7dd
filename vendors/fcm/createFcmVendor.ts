import { sandboxVendorEntry } from '../../platform/registry/services.js';
import { createVendorServer } from '../sandbox/createVendorServer.js';
import type { RateLimit, RouteRequest, RunningVendor } from '../sandbox/types.js';
import { AccessTokens } from './AccessTokens.js';
import { PushRecords, type RecordedMessage } from './PushRecords.js';
import { pushControlRoutes } from './pushControlRoutes.js';
import { sendRoute, SendQuota } from './sendRoute.js';
import { SERVICE_ACCOUNT_JSON, serviceAccountFor, type ServiceAccountJson } from './serviceAccount.js';
import { knownServiceAccount, TOKEN_PATH, tokenRoute } from './tokenEndpoint.js';

export interface FcmVendorOptions {
  /**
   * The sandbox's key (`SANDBOX_FCM_KEY`): here the `private_key_id` of the service account,
   * which assertions name as `kid`. FCM has no API key; callers authenticate with access tokens.
   */
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Baseline latency (ms) this vendor starts with and returns to on reset; default 0. */
  latencyMs?: number;
  /**
   * The service account it trusts instead of the committed fixture (SANDBOX_FCM_SERVICE_ACCOUNT_FILE):
   * its client_email, its private_key_id as the assertions' `kid` (instead of `apiKey`), the public
   * half of its private_key, and its project_id.
   */
  serviceAccount?: Pick<ServiceAccountJson, 'project_id' | 'private_key_id' | 'private_key' | 'client_email'>;
  /** Lifetime of access tokens (s), 1..3600; default 3600, as Google's. */
  tokenTtlS?: number;
  /** Another URL assertions may name as `aud` (the token endpoint as callers reach it, e.g. in docker); the URL a caller used is always accepted. */
  tokenUri?: string;
  /** Tests: the vendor's clock (epoch ms), for assertion and access token expiry; default Date.now. */
  clock?: () => number;
}

/** The push side of the vendor, for tests in the same process (the same as the `/__sandbox/…` routes). */
export interface FcmPushControl {
  messages(): { count: number; messages: RecordedMessage[] };
  clearMessages(): void;
  unregister(token: string): void;
  moveToProject(token: string, project: string): void;
  devices(): { unregistered: string[]; moved: Record<string, string> };
  resetDevices(): void;
  quota(): RateLimit | null;
  setQuota(limit: RateLimit | null): RateLimit | null;
  setTokenTtl(seconds: number): void;
}

export interface RunningFcmVendor extends RunningVendor {
  readonly push: FcmPushControl;
  /** The service account this vendor knows, its `token_uri` at this vendor: what a caller loads from its key file. */
  readonly serviceAccount: ServiceAccountJson;
}

/** From the registry, where the leak scanner finds it too. */
export const FCM_BRAND = sandboxVendorEntry('fcm').brand;
export const DEFAULT_TOKEN_TTL_S = 3600;

/**
 * "Firecast", the Android push vendor behind the notifications service, shaped like Firebase
 * Cloud Messaging HTTP v1: Google's service-account token exchange (`POST /token`) and
 * `POST /v1/projects/{project}/messages:send`, with FCM's error bodies.
 */
export async function createFcmVendor(options: FcmVendorOptions): Promise<RunningFcmVendor> {
  const clock = options.clock ?? Date.now;
  const given = options.serviceAccount;
  const account = given === undefined ? knownServiceAccount(SERVICE_ACCOUNT_JSON, options.apiKey) : knownServiceAccount(given, given.private_key_id);
  const tokens = new AccessTokens(clock, options.tokenTtlS ?? DEFAULT_TOKEN_TTL_S);
  const records = new PushRecords(clock);
  const quota = new SendQuota();
  let ownTokenUri = '';
  const audiences = (req: Pick<RouteRequest, 'headers'>): string[] => {
    const host = req.headers.host;
    const addressed = typeof host === 'string' && host.length > 0 ? [`http://${host}${TOKEN_PATH}`, `https://${host}${TOKEN_PATH}`] : [];
    return [...(options.tokenUri === undefined ? [] : [options.tokenUri]), ownTokenUri, ...addressed];
  };

  const vendor = await createVendorServer(
    {
      name: 'fcm',
      brand: FCM_BRAND,
      internalHost: 'firecast-push.internal',
      auth: { kind: 'bearer' },
      routes: [tokenRoute({ accounts: new Map([[account.clientEmail, account]]), tokens, audiences, clock }), sendRoute({ tokens, records, quota, clock })],
      controlRoutes: pushControlRoutes(records, quota),
    },
    { apiKey: options.apiKey, host: options.host, port: options.port, defaultFaults: { latencyMs: options.latencyMs ?? 0 }, seed: 0xfc3 },
  );
  ownTokenUri = `${vendor.url}${TOKEN_PATH}`;

  const push: FcmPushControl = {
    messages: () => records.messages(),
    clearMessages: () => records.clearMessages(),
    unregister: (token) => records.unregister(token),
    moveToProject: (token, project) => records.moveToProject(token, project),
    devices: () => records.devices(),
    resetDevices: () => records.resetDevices(),
    quota: () => quota.get(),
    setQuota: (limit) => quota.set(limit),
    setTokenTtl: (seconds) => tokens.setTtl(seconds),
  };
  const serviceAccount = given === undefined ? serviceAccountFor(vendor.url, { private_key_id: options.apiKey }) : serviceAccountFor(vendor.url, { ...given, token_uri: `${vendor.url}${TOKEN_PATH}` });
  return { ...vendor, push, serviceAccount };
}
