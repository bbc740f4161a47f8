import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from '../test/support/browser.ts';
import { latencyHistogram } from './histogram.mjs';

// What one measured run of a map page in Chromium gives: the time between frames (every
// requestAnimationFrame callback, so a frame the page's work made late shows as a long one) and,
// for each driver position the page painted, the time from the phone recording it to the paint (the
// `lastmile.position-to-pixel` User Timing measures both pages make). The same sampler is put in
// both pages before their own code runs.

export const POSITION_MEASURE = 'lastmile.position-to-pixel';
const VIEWPORT = { width: 1280, height: 800 };

/** Put in every page before its scripts: counts frame intervals once `__lastmileBench.start()` is called. */
const FRAME_SAMPLER = `
(() => {
  const state = { on: false, last: 0, frames: [] };
  window.__lastmileBench = {
    start() { state.frames = []; state.last = 0; state.on = true; performance.clearMeasures('${POSITION_MEASURE}'); },
    stop() {
      state.on = false;
      const latencies = performance.getEntriesByName('${POSITION_MEASURE}').map((e) => e.duration);
      return { frames: state.frames, latencies };
    },
  };
  const loop = (t) => {
    if (state.on && state.last) state.frames.push(t - state.last);
    state.last = t;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
})();`;

export interface PageRun {
  frames: number;
  frame_p50_ms: number;
  frame_p95_ms: number;
  /** Driver positions painted while measuring. */
  painted: number;
  update_p50_ms: number;
  update_p99_ms: number;
}

export interface ConsolePages {
  /** Our console's live map, signed in as ops. */
  ours(): Promise<PageRun>;
  /** The plain canvas over the same socket, same origin, same token. */
  baseline(): Promise<PageRun>;
  close(): Promise<void>;
}

interface Options {
  base: string;
  opsEmail: string;
  opsToken: string;
  /** Drivers the page must have drawn before measuring starts. */
  drivers: number;
  center: { lat: number; lng: number };
  radiusM: number;
  measureS: number;
  /** Where `servePlainCanvas` serves the baseline page. */
  plainCanvasUrl: string;
}

async function measure(page: Page, o: Options): Promise<PageRun> {
  const enough = Math.floor(o.drivers * 0.95);
  // Functions, not strings: the console's CSP refuses evaluating a string.
  await page
    .waitForFunction(
      (n) =>
        Number(
          (globalThis as unknown as PageGlobal).document
            .querySelector('canvas[data-drivers]')
            ?.getAttribute('data-drivers'),
        ) >= n,
      enough,
      { timeout: 60_000 },
    )
    .catch(async (err: unknown) => {
      const drawn = await page
        .locator('canvas[data-drivers]')
        .getAttribute('data-drivers')
        .catch(() => null);
      throw new Error(
        `the page drew ${drawn} drivers of ${enough} (${page.url()}): ${String(err)}`,
      );
    });
  // Let the first paint of the whole city pass before counting.
  await page.waitForTimeout(2_000);
  await page.evaluate(() => (globalThis as unknown as PageGlobal).__lastmileBench.start());
  await page.waitForTimeout(o.measureS * 1000);
  const got = await page.evaluate(() =>
    (globalThis as unknown as PageGlobal).__lastmileBench.stop(),
  );
  const frames = latencyHistogram();
  for (const f of got.frames) frames.record(f);
  const updates = latencyHistogram();
  for (const l of got.latencies) updates.record(Math.max(0, l));
  return {
    frames: frames.count,
    frame_p50_ms: frames.percentile(50),
    frame_p95_ms: frames.percentile(95),
    painted: updates.count,
    update_p50_ms: updates.percentile(50),
    update_p99_ms: updates.percentile(99),
  };
}

/** What the measuring reads in the page (the benchmark's tsconfig has no DOM types). */
interface PageGlobal {
  document: {
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  };
  __lastmileBench: { start(): void; stop(): Sampled };
}

/** What the sampler hands back: frame intervals and position-to-pixel durations, in ms. */
interface Sampled {
  frames: number[];
  latencies: number[];
}

/** One Chromium for the whole benchmark; each run opens its page in a fresh context. */
export async function consolePages(o: Options): Promise<ConsolePages> {
  const browser: Browser = await launchChromium();
  const fresh = async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
    await context.addInitScript(FRAME_SAMPLER);
    // Nothing a page loads may come from anywhere but this machine.
    await context.route('**/*', (route) =>
      new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') process.stderr.write(`page: ${msg.text()}\n`);
    });
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    return { context, page };
  };
  return {
    async ours() {
      const { context, page } = await fresh();
      try {
        await signIn(page, o.base, 'ops', o.opsEmail);
        await page.waitForURL((u) => !u.pathname.includes('/signin'));
        await page.goto(`${o.base}/app/ops/live?measure=1`);
        return await measure(page, o);
      } finally {
        await context.close();
      }
    },
    async baseline() {
      const { context, page } = await fresh();
      try {
        const q = new URLSearchParams({
          token: o.opsToken,
          lat: String(o.center.lat),
          lng: String(o.center.lng),
          r: String(o.radiusM),
        });
        q.set('api', o.base);
        await page.goto(`${o.plainCanvasUrl}#${q}`);
        return await measure(page, o);
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}
