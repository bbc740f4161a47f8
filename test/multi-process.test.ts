import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { PAGE_MAX_AGE_MS, PAGE_REFRESH_AHEAD_MS } from '../src/modules/catalog/http-cache.ts';
import { createDatabase } from '../src/platform/db/pool.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { waitFor } from './support/platform.ts';
import {
  httpClient,
  type SplitDeployment,
  seedDemoInto,
  startSplitDeployment,
} from './support/processes.ts';
import { describeWithServices, natsUrl, redisUrl, testNamespace } from './support/services.ts';

/**
 * A cached page is re-read because of its age this long after it was cached at the earliest (read
 * steadily, it is refreshed ahead of its maximum age). A change seen sooner came from the notice;
 * the second less covers the time between caching the page and the change.
 */
const BEFORE_AGE_REFRESH_MS = PAGE_MAX_AGE_MS - PAGE_REFRESH_AHEAD_MS - 1000;

/**
 * Two API processes and one worker on the same Postgres, Redis and NATS, talked to over real
 * sockets: requests land on either API, the worker handles every event once, and an
 * Idempotency-Key holds across processes.
 */
describeWithServices(
  'several processes',
  { nats: natsUrl(), redis: redisUrl() },
  ({ nats, redis }) => {
    let deployment: SplitDeployment | undefined;
    let tdb: TestDatabase | undefined;
    afterAll(async () => {
      await deployment?.stop();
      await tdb?.drop();
    });

    it('two api processes and one worker serve one city together', async () => {
      tdb = await createTestDatabase();
      await seedDemoInto(tdb.url);
      const database = createDatabase(tdb.url, { poolSize: 2 });
      const env = {
        DATABASE_URL: tdb.url,
        NATS_URL: nats,
        REDIS_URL: redis,
        LASTMILE_NAMESPACE: testNamespace('mp'),
      };
      deployment = await startSplitDeployment(env, { apis: 2, workers: 1, timeoutMs: 90_000 });
      const { apis } = deployment;

      for (const base of apis) {
        const ready = await fetch(`${base}/ready`);
        expect(ready.status).toBe(200);
        const body = (await ready.json()) as { checks: Record<string, unknown> };
        expect(body.checks.bus).toMatchObject({ ok: true, detail: 'nats' });
        expect(body.checks.kv).toMatchObject({ ok: true, detail: 'redis' });
      }

      const login = (base: string, email: string) => httpClient(base).login(email);
      const customer = await login(apis[0] as string, 'customer@demo.lastmile.dev');
      const ops = await login(apis[1] as string, 'ops@demo.lastmile.dev');

      const open = (base: string, i: number, key: string) =>
        fetch(`${base}/v1/support/tickets`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${customer}`,
            'idempotency-key': key,
          },
          body: JSON.stringify({
            subject: `Ticket number ${i}`,
            message: 'from a split deployment',
          }),
        });
      const N = 60;
      const first = await Promise.all(
        Array.from({ length: N }, (_, i) => open(apis[i % 2] as string, i, `mp-${i}`)),
      );
      expect(first.map((r) => r.status)).toEqual(Array(N).fill(201));
      // The same keys sent to the other process replay the first answers.
      const retried = await Promise.all(
        Array.from({ length: N }, (_, i) => open(apis[(i + 1) % 2] as string, i, `mp-${i}`)),
      );
      expect(
        retried.every((r) => r.status === 201 && r.headers.get('idempotent-replayed') === 'true'),
      ).toBe(true);

      const n = async (q: ReturnType<typeof sql<{ n: number }>>) =>
        (await q.execute(database.db)).rows[0]?.n ?? 0;
      expect(await n(sql`SELECT count(*)::int AS n FROM support_tickets`)).toBe(N);
      await waitFor(
        async () =>
          (await n(
            sql`SELECT count(*)::int AS n FROM notifications WHERE kind = 'ticket_opened'`,
          )) === N,
        30_000,
        'worker notified ops',
      );
      const list = await fetch(`${apis[1]}/v1/notifications?limit=100`, {
        headers: { authorization: `Bearer ${ops}` },
      });
      expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(N);
      expect(await n(sql`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)).toBe(
        0,
      );

      // A stock count through one process reaches the product page another process has cached, at
      // once (a notice over NATS), not after the page's maximum age.
      const opsCall = async (method: string, path: string, body: unknown) => {
        const res = await fetch(`${apis[1]}${path}`, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ops}` },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { id: string };
        expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
        return json;
      };
      await opsCall('PUT', '/v1/categories/mp', { name: 'Split deployment goods' });
      const product = await opsCall('POST', '/v1/products', {
        sku: 'MP-1',
        name: 'Split milk',
        category_id: 'mp',
        price_minor: 120,
        currency: 'EUR',
      });
      const always = Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
      );
      const storeId = (
        await opsCall('POST', '/v1/stores', {
          name: 'Split store',
          lat: 52.5,
          lng: 13.4,
          zone: { radius_m: 3000 },
          opening_hours: always,
        })
      ).id;
      await opsCall('PUT', `/v1/stores/${storeId}/stock/${product.id}`, {
        on_hand: 4,
        reason: 'first count',
      });
      const productsOf = async () => {
        const res = await fetch(`${apis[0]}/v1/stores/${storeId}/products?limit=5`);
        if (res.status !== 200)
          throw new Error(`products of ${storeId}: ${res.status} ${await res.text()}`);
        const page = (await res.json()) as { items: Array<{ product: { id: string } }> };
        return page.items.map((i) => i.product.id);
      };
      const soldOut = product.id;
      // Caches the page in the first process.
      expect(await productsOf()).toEqual([soldOut]);
      await opsCall('PUT', `/v1/stores/${storeId}/stock/${soldOut}`, {
        on_hand: 0,
        reason: 'sold out in a split deployment',
      });
      // Without the notice the page would stay until its age refreshes it: the deadline is earlier.
      await waitFor(
        async () => !(await productsOf()).includes(soldOut),
        BEFORE_AGE_REFRESH_MS,
        'the other process to drop the sold-out product before its page ages out',
      );
      await database.close();
    }, 120_000);
  },
);
