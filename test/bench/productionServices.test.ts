/**
 * `npm run bench` runs the services as production does: the production build on plain node,
 * NODE_ENV=production, with made-up secrets. Here, for real: the build and the secrets, then
 * the bench's stack from them answering a home screen, as production (introspection refused).
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAnswer } from '../../bench/homeScreen/classifyAnswer.js';
import { productionServices, type ProductionServices } from '../../bench/homeScreen/productionServices.js';
import { startBenchStack } from '../../bench/homeScreen/startBenchStack.js';
import type { ProcessStack } from '../../bench/chaos/startProcesses.js';
import { COLD_START_BUDGETS, COLD_START_VENDOR_DEADLINES } from '../harness/coldStartBudgets.js';
import { operation } from '../harness/operations.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const buildDir = `.test-output/bench-production-${randomBytes(4).toString('hex')}`;

const post = async (url: string, query: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, text: await res.text() };
};

describe("the bench's production services", () => {
  let production: ProductionServices;
  let stack: ProcessStack | undefined;

  beforeAll(async () => {
    production = await productionServices(buildDir);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    production?.dispose();
    rmSync(resolve(root, buildDir), { recursive: true, force: true });
  });

  it('builds the production tree and makes every secret production requires, the sandbox holding the same ones', () => {
    expect(existsSync(resolve(root, buildDir, 'gateway/src/main.js'))).toBe(true);
    const { env } = production;
    expect(env.NODE_ENV).toBe('production');
    for (const name of ['REVIEWS_EVENTS_SECRET', 'PAYMENTS_EVENTS_SECRET', 'PAYMENTS_WEBHOOK_SECRETS', 'NOTIFICATIONS_EVENTS_SECRETS', 'GATEWAY_IDENTITY_PRIVATE_KEY']) {
      expect(env[name], name).toMatch(/\S{20,}/);
    }
    expect(env.SANDBOX_PAYMENTS_WEBHOOK_SECRET).toBe(env.PAYMENTS_WEBHOOK_SECRETS);
    expect(env.SANDBOX_APNS_KEY).toBe(env.NOTIFICATIONS_APNS_KEY);
    // The credential files: private, in a folder of their own outside the project.
    for (const file of [env.NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE!, env.NOTIFICATIONS_APNS_KEY_FILE!]) {
      expect(file.startsWith(tmpdir())).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(env.SANDBOX_FCM_SERVICE_ACCOUNT_FILE).toBe(env.NOTIFICATIONS_FCM_SERVICE_ACCOUNT_FILE);
  });

  it('runs every service from the build in production mode: a full home screen, introspection refused', async () => {
    // A freshly started stack's first home screen, on a machine whose cores are busy, can take
    // longer than production's 1 s budgets: this tests the build and the mode, not the speed.
    stack = await startBenchStack({ mode: 'cold', vendorLatencyMs: 0, production, env: { ...COLD_START_BUDGETS, ...COLD_START_VENDOR_DEADLINES } });
    for (const service of Object.values(stack.subgraphs)) expect(service.child.spawnargs.join(' ')).toContain(join(buildDir, 'subgraphs'));
    const home = await post(stack.gatewayUrl, operation('HomeScreen'));
    expect(classifyAnswer(home.status, home.text)).toBe('full');
    // Development mode would answer this (INTROSPECTION defaults to true outside production).
    const introspection = await post(stack.gatewayUrl, '{ __schema { queryType { name } } }');
    expect(introspection.text).not.toContain('"queryType"');
    expect(introspection.text).toContain('errors');
  }, 180_000);

  it('dispose deletes the credential files', () => {
    const file = production.env.NOTIFICATIONS_APNS_KEY_FILE!;
    production.dispose();
    expect(existsSync(file)).toBe(false);
  });
});
