import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { startInstance } from '../../sim/instance.ts';
import { launchChromium, pageWatch } from './browser.ts';
import { walkScreens } from './screens.ts';

// `npm run screenshots`: starts lastmile with the demo city (on a fresh database of DATABASE_URL,
// or embedded Postgres), walks one whole order through the apps in Chromium (the walk the
// browser suite checks, test/support/screens.ts) and writes each main screen to
// docs/screenshots/<app>-<screen>.png: customer and driver phone-sized, the store and the ops
// console on a desk.

const OUT = path.resolve('docs', 'screenshots');

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const dir = path.resolve('.lastmile', 'screenshots', String(process.pid));
  console.log('screenshots: starting lastmile with the demo city…');
  const instance = await startInstance({
    name: 'screenshots',
    dir,
    // One courier, offered at once: the walk waits for the offer on the driver's screen.
    env: { LASTMILE_DISPATCH_STRATEGY: 'greedy', LASTMILE_LOCATION_HISTORY_S: '0' },
  });
  const browser = await launchChromium();
  const watch = pageWatch();
  try {
    await walkScreens(
      { base: instance.url, browser, watch },
      {
        async screen(app, name, page) {
          const file = path.join(OUT, `${app}-${name}.png`);
          await page.evaluate('window.scrollTo(0, 0)');
          await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
          const kb = ((await stat(file)).size / 1024).toFixed(0);
          console.log(`screenshots: ${path.relative(process.cwd(), file)} (${kb} KB)`);
        },
        live: () => Promise.resolve(() => Promise.resolve()),
      },
    );
    if (watch.elsewhere.length > 0)
      throw new Error(`the apps tried to load from elsewhere: ${watch.elsewhere.join(', ')}`);
  } finally {
    await browser.close();
    await instance.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`screenshots failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
  process.exit(1);
});
