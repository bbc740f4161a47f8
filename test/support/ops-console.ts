import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
import {
  launchChromium,
  localContext,
  newPage,
  type PageWatch,
  pageWatch,
  signIn,
} from './browser.ts';

// What the ops console's browser suites share: one Chromium a file, a desk-sized context of its
// own for each page (its own storage: nobody signed in), and the demo ops accounts by level.

export type OpsLevel = 'admin' | 'agent';

/** The email of the demo ops account of this level (seeded with the demo accounts). */
export const opsEmail = (level: OpsLevel): string =>
  DEMO_USERS.find((u) => 'opsLevel' in u && u.opsLevel === level)?.email ?? '';

export interface OpsConsole {
  /** What the suite's pages did that they must not. */
  watch: PageWatch;
  /** A page in a desk-sized context of its own, nobody signed in yet. */
  freshPage(): Promise<Page>;
  /**
   * A fresh page signed in to the console at `base` as the demo ops account of `level`, once the
   * console shows who is signed in. The demo accounts must be seeded (`t.tokenFor('ops')`).
   */
  consoleAs(base: string, level: OpsLevel): Promise<Page>;
}

/**
 * Launches Chromium before the file's tests and closes it, with every context it made, after
 * them. Called after the hooks that start the platform, it closes before the platform stops.
 */
export function opsConsole(): OpsConsole {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const watch = pageWatch();
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });
  async function freshPage(): Promise<Page> {
    if (!browser) throw new Error('the ops console is used before its browser started');
    const c = await localContext(browser, watch, { viewport: { width: 1440, height: 900 } });
    contexts.push(c);
    return newPage(c, watch);
  }
  return {
    watch,
    freshPage,
    async consoleAs(base, level) {
      const page = await freshPage();
      await signIn(page, base, 'ops', opsEmail(level));
      await page.getByTestId('signed-in').waitFor();
      return page;
    },
  };
}
