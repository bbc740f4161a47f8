import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../src/cli/demo-seed.ts';

// What the browser suites share: Debian's Chromium, contexts that load nothing from outside this
// machine, the console's errors, signing in to an app, and calls to the API as a test's client.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
}

/** What the pages of a suite did that they must not: requests elsewhere, console errors. */
export interface PageWatch {
  /** Requests the pages tried to send anywhere but this machine (all refused). */
  elsewhere: string[];
  /** What the pages' consoles reported as errors (a CSP refusal among them). */
  consoleErrors: string[];
}

export const pageWatch = (): PageWatch => ({ elsewhere: [], consoleErrors: [] });

/**
 * A phone-sized context whose requests to any other host are refused and recorded. Its browser
 * prefers English (the apps' words the suites look for) unless `options.locale` says otherwise.
 */
export async function localContext(
  browser: Browser,
  watch: PageWatch,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'en-US',
    ...options,
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === '127.0.0.1') return route.continue();
    watch.elsewhere.push(url);
    return route.abort();
  });
  return context;
}

export async function newPage(context: BrowserContext, watch: PageWatch): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.consoleErrors.push(msg.text());
  });
  return page;
}

/** Opens `/app/<app>/`, is sent to its sign-in screen and signs in as a demo account. */
export async function signIn(page: Page, base: string, app: string, email: string): Promise<void> {
  await page.goto(`${base}/app/${app}/`);
  await page.waitForURL(new RegExp(`/app/${app}/signin`));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A call to the API at `base` as the holder of `token` (a fresh Idempotency-Key when mutating). */
export async function apiCall(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'GET' ? {} : { 'idempotency-key': uuidv7() }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

/** The statuses the customer's order page lists under "So far", in order. */
export const orderTimeline = (page: Page) =>
  page
    .getByTestId('order-timeline')
    .locator('li')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-status')));

/**
 * Waits until the customer's order page follows the order live at `status`: its list shows it
 * (the status line alone may still be the REST answer, before the tracking socket's snapshot).
 */
export const followsLive = (page: Page, status: string) =>
  expect.poll(() => orderTimeline(page)).toEqual([status]);
