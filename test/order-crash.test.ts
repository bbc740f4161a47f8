import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { identityService } from '../src/modules/identity/index.ts';
import { inventoryService } from '../src/modules/inventory/index.ts';
import {
  WORKFLOW_AUTHORIZE,
  WORKFLOW_COMPENSATE,
  WORKFLOW_SETTLE,
} from '../src/modules/orders/index.ts';
import { createTokenIssuer } from '../src/platform/auth/tokens.ts';
import { loadConfig } from '../src/platform/config.ts';
import { crashFixture } from './support/crash-fixture.ts';
import { waitFor } from './support/platform.ts';
import { freePort, httpClient, processEnv, spawnLastmile } from './support/processes.ts';
import { testNamespace } from './support/services.ts';
import { ALWAYS_OPEN } from './support/shop.ts';

/**
 * kill -9 the process running checkout and the order sagas at random moments, over and over,
 * while customers check out (some cards decline, fail on the network after charging, or are slow;
 * a declined customer pays again with another card now and then) and the store moves orders
 * along. After the last restart every order must end, with no unit oversold or left reserved, no
 * double capture, no order authorized twice, and a ledger that reconciles.
 */
const KILLS = 20;
const SAGA_WORKFLOWS = [WORKFLOW_AUTHORIZE, WORKFLOW_SETTLE, WORKFLOW_COMPENSATE];
const world = crashFixture();

const count = async (q: ReturnType<typeof sql<{ n: number }>>) =>
  (await q.execute(world.database.db)).rows[0]?.n ?? 0;

describe('order saga crash recovery', () => {
  it(`survives ${KILLS} kill -9 at random points with every order terminal and money and stock consistent`, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = processEnv(world.tdb.url, {
      PORT: String(port),
      LASTMILE_INSTANCE_ID: 'order-crash',
      LASTMILE_NAMESPACE: testNamespace('oc'),
      // A declined order waits this long for another card before it fails and gives its stock back.
      LASTMILE_PAYMENT_RETRY_GRACE_S: '5',
    });
    const tokens = createTokenIssuer(loadConfig({}).jwtSecret, 3600);
    await seedDemo({ db: world.database.db, tokens });
    world.proc = await spawnLastmile(['--port', String(port)], env);

    const { call, login } = httpClient(base);
    const ops = await login((DEMO_USERS.find((u) => u.role === 'ops') as { email: string }).email);
    const customers = await Promise.all(
      DEMO_USERS.filter((u) => u.role === 'customer').map((u) => login(u.email)),
    );

    await call('PUT', '/v1/categories/groceries', ops, { name: 'Groceries' });
    const store = (
      await call('POST', '/v1/stores', ops, {
        name: 'Crash-test store',
        lat: 52.5,
        lng: 13.4,
        zone: { radius_m: 5000 },
        opening_hours: ALWAYS_OPEN,
      })
    ).body as { id: string };
    const products: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await call('POST', '/v1/products', ops, {
        sku: `CR-${i}`,
        name: `Crash item ${i}`,
        category_id: 'groceries',
        price_minor: 300 + 100 * i,
        currency: 'EUR',
      });
      products.push((p.body as { id: string }).id);
    }
    await inventoryService({ db: world.database.db, clock: { now: Date.now } }).setLevels(
      products.map((productId, i) => ({
        storeId: store.id,
        productId,
        onHand: [40, 25, 60, 10][i] ?? 10,
      })),
      { kind: 'count', reason: 'crash test', actor: 'test' },
    );
    await identityService(world.database.db, tokens).upsertUser({
      email: 'crash-staff@test.lastmile.dev',
      name: 'Staff',
      role: 'store',
      password: DEMO_PASSWORD,
      storeId: store.id,
    });
    const staff = await login('crash-staff@test.lastmile.dev');
    // No courier app in this test: ops moves the bag (the override of the driver's steps).
    const actor = (action: string) =>
      action === 'picked-up' || action === 'delivered' ? ops : staff;
    // An ops override gives its reason (audited); "ready" sends what was picked (all of it).
    const bodyOf = (action: string) =>
      action === 'ready'
        ? {}
        : actor(action) === ops
          ? { reason: 'no courier app in this test' }
          : undefined;

    const cards = ['tok_visa', 'tok_visa', 'tok_visa', 'tok_netfail', 'tok_decline', 'tok_slow'];
    const next: Record<string, string> = {
      authorized: 'accept',
      accepted: 'preparing',
      preparing: 'ready',
      ready: 'picked-up',
      picked_up: 'delivered',
    };
    const keys: string[] = [];
    // Declined orders (402) by their customer, who pays again with another card now and then.
    const owners = new Map<string, string>();
    let n = 0;

    // Requests race the kill: some fail with a reset connection, and clients retry with the same key.
    const burst = async () => {
      const work: Array<Promise<unknown>> = [];
      for (let i = 0; i < 6; i++) {
        const key = `crash-${n++}`;
        keys.push(key);
        const customer = customers[n % customers.length] as string;
        const lines = [{ product_id: products[n % products.length], quantity: 1 + (n % 2) }];
        const body = {
          store_id: store.id,
          lines,
          delivery: { lat: 52.51, lng: 13.4, address: 'Crashweg 1' },
          payment: { card_token: cards[n % cards.length] },
        };
        work.push(
          call('POST', '/v1/orders', customer, body, key)
            .then((r) => {
              if (r.status === 402) owners.set(String(r.body?.order_id), customer);
            })
            .catch(() => null),
        );
      }
      const list = (await call('GET', '/v1/orders?limit=100', ops).catch(() => null))?.body as {
        items: Array<{ id: string; status: string }>;
      } | null;
      for (const o of list?.items ?? []) {
        const action = next[o.status];
        if (action && Math.random() < 0.6)
          work.push(
            call('POST', `/v1/orders/${o.id}/${action}`, actor(action), bodyOf(action)).catch(
              () => null,
            ),
          );
        const owner = owners.get(o.id);
        if (o.status === 'payment_failed' && owner && Math.random() < 0.5)
          work.push(
            call(
              'POST',
              `/v1/orders/${o.id}/payment`,
              owner,
              { card_token: cards[n % cards.length] },
              `pay-${o.id}-${n}`,
            ).catch(() => null),
          );
        if (o.status === 'accepted' && Math.random() < 0.1)
          work.push(
            call('POST', `/v1/orders/${o.id}/cancel`, ops, { reason: 'crash test' }).catch(
              () => null,
            ),
          );
      }
      await Promise.all(work);
    };

    for (let kill = 0; kill < KILLS; kill++) {
      // One burst that completes (orders to work on), then one that the kill cuts short.
      await burst();
      const running = burst();
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
      await world.proc.crash();
      await running;
      world.proc = await spawnLastmile(['--port', String(port)], env);
    }

    const allOrders = async () => {
      const out: Array<{ id: string; status: string }> = [];
      let cursor: string | null = null;
      do {
        const page = (
          await call('GET', `/v1/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`, ops)
        ).body as { items: Array<{ id: string; status: string }>; next_cursor: string | null };
        out.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return out;
    };
    // After the last restart: drive every open order to its end.
    await waitFor(
      async () => {
        const open = (await allOrders()).filter(
          (o) => !['delivered', 'canceled', 'failed'].includes(o.status),
        );
        for (const o of open) {
          const action = next[o.status];
          if (action)
            await call('POST', `/v1/orders/${o.id}/${action}`, actor(action), bodyOf(action));
        }
        return open.length === 0;
      },
      120_000,
      'every order terminal',
    );
    await waitFor(
      async () =>
        (await count(
          sql`SELECT count(*)::int AS n FROM dbos.workflow_status WHERE name IN (${sql.join(SAGA_WORKFLOWS)}) AND status NOT IN ('SUCCESS')`,
        )) === 0 &&
        // Every ended order's own end ran: an event taken by a process that was then killed comes
        // back to the next one after the bus's ack wait (30 s).
        (await count(sql`SELECT count(*)::int AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM dbos.workflow_status w
          WHERE w.workflow_uuid = 'order:' || o.id || CASE WHEN o.status = 'delivered' THEN ':settle' ELSE ':compensate' END AND w.status = 'SUCCESS')`)) ===
          0,
      120_000,
      'every saga finished',
    ).catch(async (err: unknown) => {
      const left = await sql<{ status: string; n: number; order_status: string }>`
        SELECT w.status, o.status AS order_status, count(*)::int AS n FROM dbos.workflow_status w
        LEFT JOIN orders o ON o.id::text = split_part(w.workflow_uuid, ':', 2)
        WHERE w.name IN (${sql.join(SAGA_WORKFLOWS)}) AND w.status <> 'SUCCESS' GROUP BY 1, 2`.execute(
        world.database.db,
      );
      throw new Error(`${String(err)}; unfinished sagas: ${JSON.stringify(left.rows)}`);
    });

    const orders = await count(sql`SELECT count(*)::int AS n FROM orders`);
    expect(orders).toBeGreaterThan(20);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM stock WHERE reserved > on_hand OR reserved < 0 OR on_hand < 0`,
      ),
    ).toBe(0);
    // No leaked reservation: every held reservation belongs to an order still running (none now).
    const held = await sql<{
      owner: string;
      order_status: string | null;
      reservation_of_order: boolean;
    }>`
      SELECT r.owner, o.status AS order_status, (o.reservation_id = r.id) AS reservation_of_order FROM reservations r
      LEFT JOIN orders o ON o.id::text = split_part(r.owner, ':', 2) WHERE r.status = 'held'`.execute(
      world.database.db,
    );
    // On a leak, say what the order went through: its workflows and its events.
    const story =
      held.rows.length === 0
        ? []
        : (
            await sql`SELECT o.id, o.status, o.reason,
        (SELECT json_agg(json_build_object('wf', w.workflow_uuid, 'status', w.status)) FROM dbos.workflow_status w WHERE w.workflow_uuid LIKE 'order:' || o.id || '%') AS workflows,
        (SELECT json_agg(json_build_object('type', type, 'published', published_at IS NOT NULL)) FROM outbox WHERE aggregate_id = o.id::text) AS events
        FROM orders o JOIN reservations r ON r.id = o.reservation_id WHERE r.status = 'held'`.execute(
              world.database.db,
            )
          ).rows;
    expect(held.rows, JSON.stringify(story)).toEqual([]);
    expect(await count(sql`SELECT coalesce(sum(reserved), 0)::int AS n FROM stock`)).toBe(0);
    // Units left the store exactly for what was delivered.
    const sold = await count(
      sql`SELECT coalesce(sum(coalesce(l.picked_quantity, l.quantity)), 0)::int AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status = 'delivered'`,
    );
    expect(await count(sql`SELECT (135 - sum(on_hand))::int AS n FROM stock`)).toBe(sold);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM (SELECT order_id FROM payment_ledger WHERE kind = 'capture' GROUP BY order_id HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM orders WHERE status = 'delivered' AND captured_minor IS NULL`,
      ),
    ).toBe(0);
    // Whatever the cards and the retries, the provider authorized each order at most once.
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM (SELECT reference FROM fakepay_payments WHERE status <> 'declined' GROUP BY reference HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    expect(
      await count(
        sql`SELECT count(*)::int AS n FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.status IN ('canceled', 'failed') AND p.authorized_minor > 0`,
      ),
    ).toBe(0);
    const rec = await call('GET', '/v1/ops/payments/reconciliation', ops);
    expect(rec.status).toBe(200);
    expect(rec.body).toMatchObject({ ok: true, mismatches: [] });
  }, 600_000);
});
