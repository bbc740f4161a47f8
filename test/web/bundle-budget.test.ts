import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, webAppNames } from '../../web/build.ts';

// What a phone downloads before an app shows anything: the entry script of each built app and
// every script it loads before running (its modulepreloads and their static imports), gzipped as
// the wire carries them. The map is loaded only when a screen shows it, in its own chunk
// (`map-<hash>.js`, named so by web/vite.config.ts), with a budget of its own.

const DIST = path.resolve(import.meta.dirname, '../../web/dist');
const KB = 1024;
/** Initial JavaScript of one app, gzipped. */
const INITIAL_BUDGET = 250 * KB;
/** The lazily loaded map chunk, gzipped. */
const MAP_BUDGET = 300 * KB;
const MAP_CHUNK = /^map-[\w-]+\.js$/;

/** Scripts the page's HTML loads: its module entry and the modulepreloads. */
function scriptsOfPage(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const t = tag[0];
    const src = /\b(?:src|href)="([^"]+\.js)"/.exec(t)?.[1];
    const isScript = tag[1] === 'script' && /type="module"/.test(t);
    const isPreload = tag[1] === 'link' && /rel="modulepreload"/.test(t);
    if (src && (isScript || isPreload)) found.push(src);
  }
  return found;
}

/** Static imports of a built chunk (`import"./x.js"`, `from"./x.js"`; not `import("./x.js")`). */
const staticImports = (code: string) =>
  [...code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)].map((m) => m[1] ?? '');

const gzipped = (code: Buffer) => gzipSync(code, { level: 9 }).length;
const kb = (n: number) => `${(n / KB).toFixed(1)} KB`;

interface Bundle {
  app: string;
  /** The initial scripts (paths under the app's folder) and their gzipped sizes. */
  initial: Map<string, number>;
  /** Every map chunk of the app and its gzipped size. */
  maps: Map<string, number>;
}

async function measure(app: string): Promise<Bundle> {
  const dir = path.join(DIST, app);
  const base = `/app/${app}/`;
  const html = await readFile(path.join(dir, 'index.html'), 'utf8');
  const initial = new Map<string, number>();
  const todo = scriptsOfPage(html).map((src) => {
    expect(src.startsWith(base), `${app}: ${src} is not under ${base}`).toBe(true);
    return src.slice(base.length);
  });
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (initial.has(file)) continue;
    const code = await readFile(path.join(dir, file));
    initial.set(file, gzipped(code));
    for (const rel of staticImports(code.toString('utf8')))
      todo.push(path.posix.join(path.posix.dirname(file), rel));
  }
  const maps = new Map<string, number>();
  for (const name of await readdir(path.join(dir, 'assets')))
    if (MAP_CHUNK.test(name))
      maps.set(`assets/${name}`, gzipped(await readFile(path.join(dir, 'assets', name))));
  return { app, initial, maps };
}

const sum = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0);

let bundles: Bundle[] = [];

beforeAll(async () => {
  await ensureWebBuilt((line) => console.log(`bundle budget: ${line}`));
  bundles = await Promise.all((await webAppNames()).map(measure));
  for (const b of bundles) {
    const maps = [...b.maps].map(([f, n]) => `${f} ${kb(n)}`).join(', ') || 'no map chunk';
    console.log(
      `bundle budget: ${b.app}: initial JS ${kb(sum(b.initial))} gzipped in ${b.initial.size} file(s); ${maps}`,
    );
  }
}, 120_000);

describe('the web apps’ bundles', () => {
  it('builds every app', () => {
    expect(bundles.map((b) => b.app)).toEqual(expect.arrayContaining(['customer', 'driver']));
    for (const b of bundles) expect(b.initial.size, b.app).toBeGreaterThan(0);
  });

  it(`load at most ${kb(INITIAL_BUDGET)} of JavaScript (gzipped) before an app starts`, () => {
    for (const b of bundles) {
      const files = [...b.initial].map(([f, n]) => `${f} ${kb(n)}`).join(', ');
      expect(sum(b.initial), `${b.app}: ${files}`).toBeLessThanOrEqual(INITIAL_BUDGET);
    }
  });

  it(`keep the map out of the initial load, in a chunk of at most ${kb(MAP_BUDGET)}`, () => {
    for (const b of bundles) {
      const eager = [...b.initial.keys()].filter((f) => MAP_CHUNK.test(path.posix.basename(f)));
      expect(eager, `${b.app} loads the map before it starts`).toEqual([]);
      for (const [file, size] of b.maps)
        expect(size, `${b.app}: ${file}`).toBeLessThanOrEqual(MAP_BUDGET);
    }
  });
});
