import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { passwordSignIn, signUp, uniqueEmail } from '../../vendors/identity/identityTestClient.js';
import { startStack, type Stack } from '../harness/startStack.js';

/**
 * The schema explorer in a real browser (Debian's chromium, driven by playwright-core),
 * against the whole system: it must work with no network at all, so every request to
 * another host is aborted and counted, and the count must stay 0.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../../.test-output/browser/explorer.png', import.meta.url));
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
// A busy machine (CI keeps both cores loaded) can take seconds per step: generous, and never a measure of speed.
const STEP_MS = 20_000;

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/browser/explorer.test.ts is skipped: ${CHROMIUM} is missing (apt-get install chromium).`);

interface Watched {
  readonly page: Page;
  /** Requests to any host but this machine: aborted, and listed here. */
  readonly external: string[];
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
}

describe.skipIf(!haveChromium)('the schema explorer in a browser (offline)', { timeout: 60_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    stack = await startStack();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A fresh context (empty storage, so GraphiQL starts from the gateway's document) with every request watched. */
  async function open(): Promise<Watched> {
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // No step waits forever: a missing element fails its step, with the step's name.
    context.setDefaultTimeout(STEP_MS);
    // Reading the result editor the way a user would: select all, copy.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack.gatewayUrl).origin });
    const watched: Watched = { page: await context.newPage(), external: [], consoleErrors: [], pageErrors: [] };
    const isLocal = (url: string) => {
      const { protocol, hostname } = new URL(url);
      return protocol === 'data:' || protocol === 'blob:' || LOCAL_HOSTS.has(hostname);
    };
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      watched.external.push(url);
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(
      (url) => !isLocal(url.href),
      (ws) => {
        watched.external.push(ws.url());
        return ws.close();
      },
    );
    // What routing cannot see (a worker's own fetches, a prefetch) still shows as a request.
    context.on('request', (request) => {
      if (!isLocal(request.url()) && !watched.external.includes(request.url())) watched.external.push(request.url());
    });
    const onConsole = (kind: string, text: string) => {
      if (kind === 'error') watched.consoleErrors.push(text);
    };
    watched.page.on('console', (message) => onConsole(message.type(), message.text()));
    watched.page.on('worker', (worker) => worker.on('console', (message) => onConsole(message.type(), `worker: ${message.text()}`)));
    watched.page.on('pageerror', (err) => watched.pageErrors.push(err.message));
    await watched.page.goto(stack.gatewayUrl);
    // GraphiQL is up once it has read the schema: its docs button is there.
    await watched.page.getByRole('button', { name: 'Show Documentation Explorer' }).waitFor({ timeout: STEP_MS });
    return watched;
  }

  function expectClean(watched: Watched): void {
    expect(watched.external, 'requests to other hosts').toEqual([]);
    expect(watched.consoleErrors, 'console errors').toEqual([]);
    expect(watched.pageErrors, 'page errors').toEqual([]);
  }

  /** Runs one of the document's operations, picked from the run button's menu, and reads the whole result editor (select all, copy) as JSON. */
  async function run(page: Page, operation: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    await page.getByRole('menuitem', { name: operation, exact: true }).click({ timeout: STEP_MS });
    const result = page.getByRole('region', { name: 'Result Window' });
    await result.getByText('"data"').waitFor({ timeout: STEP_MS });
    await result.locator('.monaco-editor').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+C');
    // Back to the top, the selection gone, for the screenshot.
    await page.keyboard.press('ControlOrMeta+Home');
    return JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { data?: Record<string, unknown>; errors?: unknown[] };
  }

  it('shows the docs (Product and its fields) and runs the HomeScreen example: 20 products, nothing from any other host', async () => {
    const watched = await open();
    const { page } = watched;

    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByRole('link', { name: 'Product', exact: true }).click({ timeout: STEP_MS });
    await expect.poll(() => docs.locator('.graphiql-doc-explorer-title').allInnerTexts(), { timeout: STEP_MS }).toEqual(['Product']);
    const fields = docs.locator('.graphiql-doc-explorer-field-name');
    await fields.first().waitFor({ timeout: STEP_MS });
    expect(await fields.allInnerTexts()).toEqual(expect.arrayContaining(['id', 'name', 'price', 'rating', 'reviews']));

    // The app's operations are the run button's menu, HomeScreen first.
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    await expect
      .poll(async () => (await page.getByRole('menuitem').allInnerTexts())[0], {
        timeout: STEP_MS,
        message: "the run button's menu starts with HomeScreen (the stack's gateway must get the app builds' examples: loadExplorerExamples)",
      })
      .toBe('HomeScreen');
    await page.keyboard.press('Escape');
    const answer = await run(page, 'HomeScreen');
    expect(answer.errors).toBeUndefined();
    const products = answer.data?.products as { edges: { node: { id: string; price: unknown } }[] };
    expect(products.edges).toHaveLength(20);
    for (const { node } of products.edges) expect(node).toMatchObject({ id: expect.any(String), price: expect.anything() });

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    console.log(`explorer screenshot: ${SCREENSHOT}`);
    expectClean(watched);
  });

  it('sends the headers the user enters: Me with a bearer token reads the signed-in user', async () => {
    const email = uniqueEmail('explorer');
    const password = 'explorer in a browser';
    await signUp(stack.sandbox.identity, { email, password, name: 'Explorer Tester' });
    const { access_token: token } = await passwordSignIn(stack.sandbox.identity, { username: email, password });

    const watched = await open();
    const { page } = watched;
    await page.getByRole('button', { name: 'Headers' }).click();
    const headers = page.getByRole('region', { name: 'Headers' }).locator('.graphiql-editor:not(.hidden) .monaco-editor');
    await headers.click({ timeout: STEP_MS });
    await page.keyboard.press('ControlOrMeta+A');
    // Pasted, as a user does with a token: typed key by key, the editor would close every bracket and quote again.
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify({ Authorization: `Bearer ${token}` }));
    await page.keyboard.press('ControlOrMeta+V');

    const answer = await run(page, 'Me');
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.me).toMatchObject({ displayName: 'Explorer Tester', email });
    expectClean(watched);
  });
});
