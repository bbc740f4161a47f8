import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../sim/invariants.ts';
import { launchLastmile, type LastmileProcess } from '../../sim/launch.ts';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { freePort, httpClient } from '../support/processes.ts';

/**
 * `npm start` as a newcomer runs it (embedded Postgres, in-process bus, demo seed), killed with
 * kill -9 in the middle of a burst of checkouts (an OOM kill does the same), then started again on
 * the same data directory: it must come back by itself, keep every order it acknowledged, answer
 * each interrupted Idempotency-Key with the status the first attempt would have had, and hold no
 * stock for orders that never were.
 */
const BURST = 40;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lastmile-crash-'));
// As root the embedded Postgres runs as the postgres user, which must enter the directory.
fs.chmodSync(dir, 0o755);
let proc: LastmileProcess | null = null;

afterAll(async () => {
  await proc?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(port: number): Promise<LastmileProcess> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'NATS_URL']) delete env[k];
  return launchLastmile(
    ['--port', String(port)],
    { ...env, LASTMILE_DATA_DIR: dir, LASTMILE_RATE_LIMITS: 'off', LOG_LEVEL: 'warn' },
    { timeoutMs: 240_000 },
  );
}

const email = (role: string) => DEMO_USERS.find((u) => u.role === role)?.email ?? '';

describe('npm start after kill -9', () => {
  it('comes back on the same data, keeps what it acknowledged and answers the interrupted keys', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    proc = await start(port);
    const api = httpClient(base);
    const token = await api.login(email('customer'));
    const nearby = await api.call('GET', '/v1/stores/nearby?lat=52.52&lng=13.405', token);
    const store = (nearby.body?.items as Array<{ id: string }>)[0];
    expect(store).toBeDefined();
    const products = await api.call('GET', `/v1/stores/${store?.id}/products?limit=50`, token);
    const product = (
      products.body?.items as Array<{ product: { id: string }; available: number }>
    ).find((p) => p.available > BURST)?.product;
    expect(product).toBeDefined();
    const body = {
      store_id: store?.id,
      lines: [{ product_id: product?.id, quantity: 1 }],
      delivery: { lat: 52.52, lng: 13.405, address: 'Alexanderplatz 1' },
      payment: { card_token: 'tok_visa' },
    };

    const answered = new Map<string, { status: number; id: string }>();
    const keys = Array.from({ length: BURST }, (_, i) => `crash-${i}`);
    const burst = keys.map((key) =>
      api.call('POST', '/v1/orders', token, body, key).then(
        (r) => answered.set(key, { status: r.status, id: String(r.body?.id) }),
        () => undefined,
      ),
    );
    while (answered.size < 5) await new Promise((r) => setTimeout(r, 10));
    await proc.crash();
    await Promise.all(burst);
    const interrupted = keys.filter((k) => !answered.has(k));
    expect(interrupted.length).toBeGreaterThan(0);

    proc = await start(port);
    // Right after ready: the acknowledged are replayed as they were, the interrupted answered as
    // a first attempt would have been, none "still in flight".
    for (const [key, first] of answered) {
      const again = await api.call('POST', '/v1/orders', token, body, key);
      expect(again.status).toBe(first.status);
      if (first.status < 300) {
        expect(again.body?.id).toBe(first.id);
        expect((await api.call('GET', `/v1/orders/${first.id}`, token)).status).toBe(200);
      }
    }
    const retried = await Promise.all(
      interrupted.map((key) => api.call('POST', '/v1/orders', token, body, key)),
    );
    // Placed (201), or placed with its authorization still running (202): never "in flight".
    for (const r of retried) expect([201, 202]).toContain(r.status);
    expect(new Set(retried.map((r) => r.body?.id)).size).toBe(interrupted.length);

    const url = `postgres://postgres:lastmile@127.0.0.1:${fs.readFileSync(path.join(dir, 'port'), 'utf8')}/lastmile`;
    const failed = (await checkInvariants(url)).filter((r) => !r.ok);
    expect(failed).toEqual([]);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const orphans = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM reservations r WHERE r.status = 'held'
           AND NOT EXISTS (SELECT 1 FROM orders o WHERE r.owner = 'order:' || o.id)`,
      );
      expect(orphans.rows[0]?.n).toBe(0);
      const orders = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE client_key LIKE 'crash-%'`,
      );
      expect(orders.rows[0]?.n).toBe(BURST);
    } finally {
      await db.end();
    }
    expect(proc.output()).not.toMatch(/DeprecationWarning/);
    await proc.stop();
    proc = null;
    // A clean stop stops Postgres too.
    expect(fs.existsSync(path.join(dir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});
