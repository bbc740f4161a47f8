import { readdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { Plugin } from 'vite';

// What makes an app installable and usable offline, written by the build: `sw.js`, a service
// worker that keeps the app shell (its page and built files, listed at build time) in a cache,
// for apps whose folder has a `manifest.webmanifest` in `public/`.

/**
 * The service worker of the app at `base` (`/app/driver/`): on install it caches the shell; pages
 * of the app are answered from the network and, without one, by the cached page; the shell's
 * files from the cache. The API (`/v1/…`) is never touched: the app queues what it must send.
 */
export function serviceWorkerSource(base: string, version: string, shell: string[]): string {
  return `// Written by web/pwa.ts at build time.
const CACHE = ${JSON.stringify(`lastmile${base}${version}`)};
const BASE = ${JSON.stringify(base)};
const SHELL = ${JSON.stringify(shell.map((f) => base + f))};
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll([BASE, ...SHELL])).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('lastmile' + BASE) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;
  if (req.mode === 'navigate') {
    event.respondWith(fetch(req).catch(() => caches.match(BASE, { cacheName: CACHE })));
    return;
  }
  event.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit || fetch(req)));
});
`;
}

/** Adds `sw.js` to the build of an app with a web manifest, listing every file it emitted and `pub`'s. */
export function serviceWorker(base: string, pub: string): Plugin {
  return {
    name: 'lastmile-service-worker',
    apply: 'build',
    generateBundle(_, bundle) {
      const files = [
        ...Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'index.html'),
        ...readdirSync(pub),
      ];
      const hashes = files
        .filter((f) => f.startsWith('assets/'))
        .sort()
        .join(',');
      let h = 0;
      for (const ch of hashes) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: serviceWorkerSource(base, h.toString(36), files.sort()),
      });
    },
  };
}

/** A PNG of `size`×`size` pixels, each coloured by `pixel(x, y)` (RGBA), for generated icons. */
export function png(
  size: number,
  pixel: (x: number, y: number) => [number, number, number, number],
): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const head = Buffer.alloc(13);
  head.writeUInt32BE(size, 0);
  head.writeUInt32BE(size, 4);
  head.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', head),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
