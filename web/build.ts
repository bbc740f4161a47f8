import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Builds the web apps into web/dist (one folder per app, served at /app/<name>/). Run by
// `npm run build:web` (always) and by `npm ci` (prepare), `lastmile start` and the browser tests
// (only when web/dist is missing or older than its sources).

const WEB = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(WEB);
const DIST = path.join(WEB, 'dist');
/** Written after a build; its time is when the build started. */
const STAMP = path.join(DIST, '.built');
/** What an app is made of: its own folder, the shared code, the SDK, the dependencies. */
const SOURCES = [
  path.join(WEB, 'apps'),
  path.join(WEB, 'shared'),
  path.join(WEB, 'vite.config.ts'),
  path.join(WEB, 'pwa.ts'),
  path.join(REPO, 'src', 'client'),
  path.join(REPO, 'package-lock.json'),
];

/** The apps: each folder of web/apps with an index.html. */
export async function webAppNames(): Promise<string[]> {
  const entries = await readdir(path.join(WEB, 'apps'), { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries)
    if (e.isDirectory() && (await mtime(path.join(WEB, 'apps', e.name, 'index.html'))) !== null)
      names.push(e.name);
  return names.sort();
}

async function mtime(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

/** The newest modification time under `p` (a file or a folder, walked). */
async function newest(p: string): Promise<number> {
  const s = await stat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const e of await readdir(p)) max = Math.max(max, await newest(path.join(p, e)));
  return max;
}

/** Why web/dist must be built again, or null when it is up to date. */
export async function whyStale(): Promise<string | null> {
  const built = await mtime(STAMP);
  if (built === null) return 'web/dist is missing';
  for (const name of await webAppNames())
    if ((await mtime(path.join(DIST, name, 'index.html'))) === null)
      return `the ${name} app is not built`;
  for (const source of SOURCES)
    if ((await newest(source)) > built)
      return `${path.relative(REPO, source)} changed since the last build`;
  return null;
}

/**
 * Builds every app, each into a fresh folder swapped in when done, so a server reading web/dist
 * meanwhile serves the old app or the new one, never half of each.
 */
export async function buildWebApps(log: (line: string) => void = () => {}): Promise<string[]> {
  const { build } = await import('vite');
  const { appConfig } = await import('./vite.config.ts');
  const names = await webAppNames();
  await mkdir(DIST, { recursive: true });
  const started = Date.now();
  // Vite picks production builds of the dependencies by NODE_ENV, which the caller may have set
  // otherwise (vitest sets "test"): production while building, as it was after.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    for (const name of names) {
      const next = path.join(DIST, `.next-${name}-${process.pid}`);
      await build({ ...appConfig(name, next), configFile: false, mode: 'production' });
      await rm(path.join(DIST, name), { recursive: true, force: true });
      await rename(next, path.join(DIST, name));
    }
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
  // Stamped with the time the build started: a source saved while it ran is newer, so stale.
  await writeFile(STAMP, `${new Date().toISOString()}\n`);
  await utimes(STAMP, new Date(started), new Date(started));
  log(`web apps built (${names.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return names;
}

/** Builds the apps when web/dist is missing or older than their sources; says why in `log`. */
export async function ensureWebBuilt(log: (line: string) => void): Promise<boolean> {
  const why = await whyStale();
  if (!why) return false;
  log(`building the web apps: ${why}`);
  await buildWebApps(log);
  return true;
}

const direct = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (direct) {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const run = process.argv.includes('--if-stale') ? ensureWebBuilt(say) : buildWebApps(say);
  run.catch((err: unknown) => {
    process.stderr.write(`web build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
