import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin, UserConfig } from 'vite';
import { serviceWorker } from './pwa.ts';

// How one web app is built (`web/build.ts` builds each folder of web/apps) and served by the dev
// server: `LASTMILE_APP=customer npx vite --config web/vite.config.ts` against an API on
// LASTMILE_API_URL (http://localhost:3000 by default).

export const WEB = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(WEB);
/** The map's code (`web/shared/map/`), loaded lazily: its chunk is named `map-<hash>.js`. */
const MAP_DIR = `${path.join(WEB, 'shared', 'map')}${path.sep}`;

/** A chunk's file name: the map's is `map-<hash>.js` (the bundle budget test knows it by that). */
const chunkFileNames = (chunk: { name: string; moduleIds: readonly string[] }) =>
  chunk.moduleIds.some((id) => id.startsWith(MAP_DIR))
    ? 'assets/map-[hash].js'
    : 'assets/[name]-[hash].js';

/**
 * What every app's page has around its title and entry (all its index.html names): the head's
 * metadata, the web manifest and icons of an installable app, and the `#root` the app renders in.
 */
function pageHead(base: string, installable: boolean): Plugin {
  const head = (tag: string, attrs: Record<string, string>) =>
    ({ tag, attrs, injectTo: 'head-prepend' }) as const;
  const viewport = `width=device-width, initial-scale=1${installable ? ', viewport-fit=cover' : ''}`;
  return {
    name: 'lastmile-page-head',
    transformIndexHtml: () => [
      head('meta', { charset: 'utf-8' }),
      head('meta', { name: 'viewport', content: viewport }),
      head('meta', { name: 'color-scheme', content: 'light' }),
      head('meta', { name: 'theme-color', content: '#0a6c4f' }),
      ...(installable
        ? [
            head('link', { rel: 'manifest', href: `${base}manifest.webmanifest` }),
            head('link', { rel: 'icon', href: `${base}icon.svg`, type: 'image/svg+xml' }),
            head('link', { rel: 'apple-touch-icon', href: `${base}icon-192.png` }),
          ]
        : []),
      { tag: 'div', attrs: { id: 'root' }, injectTo: 'body-prepend' },
    ],
  };
}

/** The Vite configuration of the app in `web/apps/<name>`, served at `/app/<name>/`. */
export function appConfig(name: string, outDir = path.join(WEB, 'dist', name)): UserConfig {
  const api = process.env.LASTMILE_API_URL ?? 'http://localhost:3000';
  const base = `/app/${name}/`;
  // An app's public/ (manifest, icons) is copied as is; with a web manifest it is installable and
  // gets a service worker for its shell.
  const pub = path.join(WEB, 'apps', name, 'public');
  const installable = existsSync(path.join(pub, 'manifest.webmanifest'));
  return {
    root: path.join(WEB, 'apps', name),
    base,
    publicDir: existsSync(pub) ? pub : false,
    logLevel: 'warn',
    plugins: [
      react(),
      pageHead(base, installable),
      ...(installable ? [serviceWorker(base, pub)] : []),
    ],
    resolve: {
      alias: {
        // The apps talk to the API only through the SDK (and its socket client).
        '@lastmile/client': path.join(REPO, 'src/client/index.ts'),
        '@web': path.join(WEB, 'shared'),
        // The SDK imports `ws` only under Node; a browser has its own WebSocket.
        ws: path.join(WEB, 'shared/ws-browser.ts'),
      },
    },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // No inline script: the pages' Content-Security-Policy allows scripts from 'self' only.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rolldownOptions: { output: { chunkFileNames } },
    },
    server: {
      // Same origin for the page and the API, as when lastmile serves the app itself.
      proxy: { '/v1': { target: api, ws: true } },
    },
  };
}

export default appConfig(process.env.LASTMILE_APP ?? 'customer');
