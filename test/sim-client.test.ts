import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, ApiStats, NetworkError } from '../sim/client.ts';

// The simulator's transport under the typed client: failover between API processes and the
// figures it keeps (latency per route group, statuses, problem codes, network errors).

const seen: Array<{
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}> = [];
let server: http.Server;
let live: string;
let dead: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/v1/orders/') && req.method === 'GET') {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        return res.end(JSON.stringify({ status: 404, code: 'NOT_FOUND', detail: 'no order' }));
      }
      if (req.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ access_token: 'tok', items: [] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  live = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nobody listens on: a process that was killed.
  const gone = http.createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  dead = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise((r) => gone.close(r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe("the simulator's API client", () => {
  it('goes to the next process when one refuses the connection, counting the miss', async () => {
    const stats = new ApiStats();
    const api = new Api([dead, live], stats, Date.now());
    try {
      const res = await api.as().POST('/v1/auth/token', {
        body: { email: 'a@b.dev', password: 'secret-password' },
      });
      expect(res.response.status).toBe(200);
      expect(res.data?.access_token).toBe('tok');
      expect(stats.networkErrors).toBe(1);
      expect(stats.statuses.get('200')).toBe(1);
      expect(seen.at(-1)?.body).toBe('{"email":"a@b.dev","password":"secret-password"}');
    } finally {
      await api.close();
    }
  });

  it('keeps latency per route group, statuses and problem codes', async () => {
    const stats = new ApiStats();
    const api = new Api([live], stats, Date.now());
    const id = '01a24a22-ee2e-7972-9bec-8fa7e0b80cb0';
    try {
      const me = api.as('t1');
      const missing = await me.GET('/v1/orders/{id}', { params: { path: { id } } });
      expect(missing.response.status).toBe(404);
      expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
      const emptied = await me.DELETE('/v1/cart');
      expect(emptied.response.status).toBe(204);
      const listed = await me.GET('/v1/orders', { params: { query: { status: 'ready' } } });
      expect(listed.response.headers.get('retry-after')).toBe('2');
      expect([...stats.latencies.keys()].sort()).toEqual([
        'DELETE /v1/cart',
        'GET /v1/orders',
        'GET /v1/orders/:id',
      ]);
      expect(Object.fromEntries(stats.statuses)).toEqual({ '200': 1, '204': 1, '404': 1 });
      expect(Object.fromEntries(stats.codes)).toEqual({ '404 NOT_FOUND': 1 });
      expect(stats.timeline).toHaveLength(3);
      // Signed as the person, and without an Idempotency-Key the simulation did not give.
      const last = seen.slice(-3);
      expect(last.map((r) => r.headers.authorization)).toEqual([
        'Bearer t1',
        'Bearer t1',
        'Bearer t1',
      ]);
      expect(last.some((r) => 'idempotency-key' in r.headers)).toBe(false);
      expect(api.as('t1')).toBe(me);
    } finally {
      await api.close();
    }
  });

  it('throws a NetworkError when no process answers', async () => {
    const stats = new ApiStats();
    const api = new Api([dead, dead], stats, Date.now());
    try {
      await expect(
        api.as().GET('/v1/stores/nearby', { params: { query: { lat: 1, lng: 2 } } }),
      ).rejects.toBeInstanceOf(NetworkError);
      expect(stats.networkErrors).toBe(2);
      expect(stats.latencies.size).toBe(0);
    } finally {
      await api.close();
    }
  });
});
