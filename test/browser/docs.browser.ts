import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { startApi } from '../support/api.js';

/**
 * The API reference page in a real browser: Debian's headless Chromium (.ci/ensure-chromium
 * installs it), driven by playwright-core. The page must render the tickets operations from our
 * own process alone: any request to another host, console error or page error fails the test.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = join('test-results', 'docs.png');
const RENDER_TIMEOUT_MS = 60_000;

interface Session {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly foreignRequests: string[];
  close(): Promise<void>;
}

/** A fresh browser profile, with every request leaving 127.0.0.1 recorded and refused. */
async function openBrowser(api: RunningApi): Promise<Session> {
  const profile = await mkdtemp(join(tmpdir(), 'itsm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 1000 } });
  const local = new URL(api.baseUrl).host;
  const foreignRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.host === local) return route.continue();
    foreignRequests.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(RENDER_TIMEOUT_MS);
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    consoleErrors,
    pageErrors,
    foreignRequests,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Waits for the summary line of one operation, e.g. POST /api/v1/tickets. */
async function operationShown(page: Page, method: string, path: string): Promise<void> {
  const summary = page.locator(`.opblock-${method.toLowerCase()} .opblock-summary-path[data-path="${path}"]`).first();
  await summary.waitFor({ state: 'visible' });
  assert.ok(await summary.isVisible(), `${method} ${path} is not visible`);
}

const test = suite<{ api?: RunningApi }>('API reference page in Chromium', {});

test.before(async (context) => {
  context.api = await startApi();
});
test.after(async (context) => {
  await context.api?.close();
});

test('renders the tickets endpoints from our own process, with no errors, and saves a screenshot', async ({ api }) => {
  const browser = await openBrowser(api!);
  try {
    const response = await browser.page.goto(`${api!.baseUrl}/docs`);
    assert.is(response?.status(), 200);
    await operationShown(browser.page, 'POST', '/api/v1/tickets');
    await operationShown(browser.page, 'GET', '/api/v1/tickets/{id}');
    await operationShown(browser.page, 'GET', '/api/v1/tickets');
    await operationShown(browser.page, 'PATCH', '/api/v1/tickets/{id}');
    assert.match(await browser.page.locator('.info .title').innerText(), /itsm API/);
    await mkdir('test-results', { recursive: true });
    await browser.page.screenshot({ path: SCREENSHOT });
    assert.equal({ foreign: browser.foreignRequests, console: browser.consoleErrors, page: browser.pageErrors }, { foreign: [], console: [], page: [] });
  } finally {
    await browser.close();
  }
});

test('"Try it out" calls this API from the page', async ({ api }) => {
  const browser = await openBrowser(api!);
  try {
    // Swagger UI renders only the operations in view; the deep link scrolls to this one and opens it.
    await browser.page.goto(`${api!.baseUrl}/docs#/Service/getHealthz`);
    const healthz = browser.page.locator('#operations-Service-getHealthz');
    await healthz.locator('.opblock-body').waitFor({ state: 'visible' });
    await healthz.getByRole('button', { name: 'Try it out' }).click();
    await healthz.getByRole('button', { name: 'Execute' }).click();
    const status = healthz.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ state: 'visible' });
    assert.match(await status.innerText(), /^\s*200\b/);
    assert.equal({ foreign: browser.foreignRequests, console: browser.consoleErrors, page: browser.pageErrors }, { foreign: [], console: [], page: [] });
  } finally {
    await browser.close();
  }
});

test("still works under a bare Content-Security-Policy of default-src 'self'", async ({ api }) => {
  const browser = await openBrowser(api!);
  try {
    // As if a proxy or a stricter middleware replaced our policy with the bare one.
    await browser.page.route('**/docs', async (route) => {
      const original = await route.fetch();
      await route.fulfill({ response: original, headers: { ...original.headers(), 'content-security-policy': "default-src 'self'" } });
    });
    await browser.page.goto(`${api!.baseUrl}/docs`);
    await operationShown(browser.page, 'POST', '/api/v1/tickets');
    await operationShown(browser.page, 'GET', '/api/v1/tickets/{id}');
    // Only the stylesheet's data: icons may be refused; no script is ever blocked.
    const blocked = browser.consoleErrors.filter((message) => !/image 'data:[^']*' violates the following Content Security Policy directive/.test(message));
    assert.equal({ foreign: browser.foreignRequests, console: blocked, page: browser.pageErrors }, { foreign: [], console: [], page: [] });
  } finally {
    await browser.close();
  }
});

test.run();
