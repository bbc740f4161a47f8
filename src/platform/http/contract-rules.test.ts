import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { allModules } from '../../modules/index.ts';
import type { ModuleDefinition } from '../module.ts';
import { ok } from './contract.ts';
import { Strict } from './typed.ts';

/** A route kept only until its sunset, as a module would declare one. */
const retiring: ModuleDefinition = {
  name: 'retiring',
  routes: async (app) => {
    app.get(
      '/v1/retiring/ping',
      {
        config: { auth: 'public', deprecated: { sunset: '2027-06-30', use: 'GET /health' } },
        schema: {
          tags: ['operations'],
          summary: 'An old health probe',
          response: { 200: ok(Strict({ pong: Strict({}) }), 'Pong') },
        },
      },
      async () => ({ pong: {} }),
    );
  },
};

let t: TestPlatform;
let port = 0;
beforeAll(async () => {
  t = await startTestPlatform({
    workflows: false,
    listen: true,
    modules: [...allModules, retiring],
  });
  port = Number(new URL(t.platform.url ?? 'http://x:0').port);
});
afterAll(async () => {
  await t?.stop();
});

/** Sends raw bytes and returns the raw answer (what the HTTP parser says, below Fastify). */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('the contract rules every route follows', () => {
  it('takes JSON bodies as sent: a number, a boolean or null is no string', async () => {
    const token = await t.tokenFor('customer');
    for (const subject of [12345, true, null]) {
      const res = await t.request({
        method: 'POST',
        url: '/v1/support/tickets',
        token,
        payload: { subject, message: 'Where is my order?' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // Query values are text on the wire and are still parsed into the declared types.
    const list = await t.request({ method: 'GET', url: '/v1/support/tickets?limit=5', token });
    expect(list.statusCode).toBe(200);
  });

  it('refuses text Postgres cannot store (a lone surrogate, NUL) with a 400 naming the field', async () => {
    const token = await t.tokenFor('customer');
    for (const message of ['\ud800', 'ok \udfff', 'a\u0000b']) {
      const res = await t.request({
        method: 'POST',
        url: '/v1/support/tickets',
        token,
        payload: { subject: 'Odd text', message },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'body.message' }],
      });
    }
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const res = await t.request({ method: 'DELETE', url: '/v1/orders' });
    expect(res.statusCode).toBe(405);
    expect(String(res.headers.allow).split(', ')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(res.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
    const unknown = await t.request({ method: 'GET', url: '/v1/no/such/thing' });
    expect(unknown.statusCode).toBe(404);
  });

  it('names the scheme to use on a 401', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="lastmile"');
  });

  it('answers what the HTTP parser refuses as problem+json with a code', async () => {
    const big = await raw(
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toMatch(/content-type: application\/problem\+json/i);
    expect(bodyOf(big)).toMatchObject({ code: 'HEADERS_TOO_LARGE', status: 431 });
    const framing = await raw(
      'POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(framing).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(framing)).toMatchObject({ code: 'MALFORMED_REQUEST', status: 400 });
  });

  it('marks a deprecated route in the document and on every answer', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/retiring/ping' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.deprecation).toBe('true');
    expect(res.headers.sunset).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/v1/retiring/ping'].get;
    expect(op.deprecated).toBe(true);
    expect(Object.keys(op.responses['200'].headers)).toEqual(
      expect.arrayContaining(['Deprecation', 'Sunset']),
    );
  });
});
