import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import './fastify-types.ts';

/** Where `npm run build:web` writes the apps: one folder per app (`web/dist/customer`, …). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * The apps' pages load only from this machine: scripts, styles, images and fonts from the page's
 * own origin, API calls and sockets to it, nothing framed and no other origin framing it.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const APP_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** Vite names built assets by content hash: such a file never changes under its name. */
const HASHED = /^assets\//;

/** The file under `root` a request path names, or null when it leaves the folder or is odd. */
function fileUnder(root: string, rest: string): string | null {
  if (rest.includes('\0') || rest.includes('\\')) return null;
  const file = path.resolve(root, `.${path.posix.sep}${rest}`);
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function securityHeaders(reply: FastifyReply): void {
  reply
    .header('content-security-policy', APP_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

async function sendFile(reply: FastifyReply, file: string, immutable: boolean) {
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  securityHeaders(reply);
  reply
    .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .type(type);
  return reply.send(await readFile(file));
}

/**
 * Serves the web apps built into `dist` (`/app/<name>/…` from `dist/<name>/`): hashed assets with
 * a year's cache, everything else (`index.html` first) revalidated each time, and any other path of
 * an app, which is one of its screens, answered with its index.html so a reload or a shared link
 * opens that screen. These routes are hidden from the OpenAPI document: they are no API.
 */
export function webAppRoutes(app: FastifyInstance, dist: string = WEB_DIST): void {
  const root = path.resolve(dist);
  const hidden = { config: { auth: 'public' as const }, schema: { hide: true } };
  const appDir = (name: string) => (APP_NAME.test(name) ? fileUnder(root, name) : null);
  /** The app's folder, when it has a page. */
  const built = async (name: string) => {
    const dir = appDir(name);
    return dir && (await isFile(path.join(dir, 'index.html'))) ? dir : null;
  };

  app.get<{ Params: { name: string } }>('/app/:name', hidden, async (request, reply) => {
    if (!(await built(request.params.name))) throw notBuilt(request.params.name);
    return reply.redirect(`/app/${request.params.name}/`, 301);
  });

  app.get<{ Params: { name: string; '*': string } }>(
    '/app/:name/*',
    hidden,
    async (request: FastifyRequest<{ Params: { name: string; '*': string } }>, reply) => {
      const { name } = request.params;
      const dir = await built(name);
      if (!dir) throw notBuilt(name);
      const index = path.join(dir, 'index.html');
      const rest = request.params['*'];
      const file = rest === '' ? index : fileUnder(dir, rest);
      if (file && file !== index && (await isFile(file)))
        return sendFile(reply, file, HASHED.test(rest));
      // A missing asset is a 404 (a stale page asking for an old bundle); any other path is a screen.
      if (HASHED.test(rest) || path.extname(rest) === '.js')
        throw new AppError('NOT_FOUND', `No file ${rest} in the ${name} app`);
      return sendFile(reply, index, false);
    },
  );
}

function notBuilt(name: string): AppError {
  return new AppError(
    'NOT_FOUND',
    `No web app "${name}" here; the apps are built by \`npm run build:web\` (npm ci and lastmile start do it)`,
  );
}
