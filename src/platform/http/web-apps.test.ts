import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { errorHandler } from './problem.ts';
import { APP_CSP, webAppRoutes } from './web-apps.ts';

let dist: string;
let app: FastifyInstance;
let t: TestPlatform;

const INDEX = '<!doctype html><title>customer</title>';

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'lastmile-web-'));
  await mkdir(path.join(dist, 'customer', 'assets'), { recursive: true });
  await writeFile(path.join(dist, 'customer', 'index.html'), INDEX);
  await writeFile(path.join(dist, 'customer', 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dist, 'customer', 'robots.txt'), 'User-agent: *');
  await writeFile(path.join(dist, 'secret.txt'), 'not an app file');
  app = Fastify();
  app.setErrorHandler(errorHandler(pino({ level: 'silent' })));
  webAppRoutes(app, dist);
  await app.ready();
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await app?.close();
  await t?.stop();
  await rm(dist, { recursive: true, force: true });
});

const get = (url: string) => app.inject({ method: 'GET', url });

describe('the web apps', () => {
  it('serves an app page with no-cache and a same-origin-only CSP', async () => {
    const res = await get('/app/customer/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(APP_CSP);
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toMatch(/https?:|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(INDEX);
  });

  it('gives hashed assets a long cache and other files a revalidated one', async () => {
    const js = await get('/app/customer/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const txt = await get('/app/customer/robots.txt');
    expect(txt.headers['cache-control']).toBe('no-cache');
  });

  it("answers any other path of an app with the app's page (its own screens)", async () => {
    for (const url of ['/app/customer/orders/0190f0c2', '/app/customer/stores?x=1']) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(INDEX);
    }
    const bare = await get('/app/customer');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/app/customer/');
  });

  it('answers a missing asset, an unknown app and a way out of the folder with a 404 problem', async () => {
    for (const url of [
      '/app/customer/assets/index-gone.js',
      '/app/customer/old.js',
      '/app/driver/',
      '/app/driver',
      '/app/..%2F/secret.txt',
      '/app/customer/..%2F..%2Fsecret.txt',
      '/app/customer/%2e%2e/secret.txt',
      '/app/Customer/',
      '/app/customer/%00.js',
    ]) {
      const res = await get(url);
      expect(res.body, url).not.toContain('not an app file');
      if (res.statusCode === 200) {
        // A path the router normalised back into the app is one of its screens.
        expect(res.body, url).toBe(INDEX);
        continue;
      }
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
      expect(res.json(), url).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('keeps the app routes out of the OpenAPI document', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/app'))).toEqual([]);
    // Served by the platform's own app: the built page, or a 404 problem before any build.
    const res = await t.request({ method: 'GET', url: '/app/customer/' });
    expect([200, 404]).toContain(res.statusCode);
  });
});
