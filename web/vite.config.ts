import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { UserConfig } from 'vite';
import { serviceWorker } from './pwa.ts';

// How one web app is built (`web/build.ts` builds each folder of web/apps) and served by the dev
// server: `LASTMILE_APP=customer npx vite --config web/vite.config.ts` against an API on
// LASTMILE_API_URL (http://localhost:3000 by default).

export const WEB = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(WEB);

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
    plugins: [react(), ...(installable ? [serviceWorker(base, pub)] : [])],
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
    },
    server: {
      // Same origin for the page and the API, as when lastmile serves the app itself.
      proxy: { '/v1': { target: api, ws: true } },
    },
  };
}

export default appConfig(process.env.LASTMILE_APP ?? 'customer');
