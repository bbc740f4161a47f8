import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { createTokenIssuer } from '../src/platform/auth/tokens.ts';
import { loadConfig } from '../src/platform/config.ts';
import { crashFixture, openCrashStore } from './support/crash-fixture.ts';
import { waitFor } from './support/platform.ts';
import { freePort, httpClient, processEnv, spawnLastmile } from './support/processes.ts';
import { testNamespace } from './support/services.ts';

/**
 * kill -9 the process while two drivers hold open offers. After the restart one driver accepts
 * (exactly once), the other lets the offer run out (expired exactly once, counted once against
 * them), and nothing is assigned twice.
 */
// Long enough for two kill -9 and restarts on a loaded CI machine before the driver accepts.
const OFFER_TTL_S = 45;
const world = crashFixture();

describe('dispatch crash recovery', () => {
  it('an offer open at a crash is accepted or expires exactly once after the restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = processEnv(world.tdb.url, {
      PORT: String(port),
      LASTMILE_INSTANCE_ID: 'dispatch-crash',
      LASTMILE_NAMESPACE: testNamespace('dc'),
      LASTMILE_OFFER_TTL_S: String(OFFER_TTL_S),
      LASTMILE_DISPATCH_RADII_M: '3000',
    });
    const tokens = createTokenIssuer(loadConfig({}).jwtSecret, 3600);
    await seedDemo({ db: world.database.db, tokens });
    world.proc = await spawnLastmile(['--port', String(port)], env);

    const { call, login } = httpClient(base);
    const emailOf = (role: string, i = 0) =>
      (DEMO_USERS.filter((u) => u.role === role)[i] as { email: string }).email;
    const ops = await login(emailOf('ops'));
    const customer = await login(emailOf('customer'));
    const drivers = [await login(emailOf('driver', 0)), await login(emailOf('driver', 1))] as const;

    const at = { lat: 52.5, lng: 13.4 };
    const { storeId, productId, staff } = await openCrashStore(world, { call, login }, ops, {
      tag: 'dc',
      at,
    });

    // Both drivers on shift near the store, reporting their position.
    const report = async (i: number) => {
      const r = await call('POST', '/v1/drivers/me/locations', drivers[i] as string, {
        points: [
          { lat: at.lat + 0.002 * (i + 1), lng: at.lng, recorded_at: new Date().toISOString() },
        ],
      });
      expect(r.status).toBe(200);
    };
    for (const [i, token] of drivers.entries()) {
      expect(
        (await call('PUT', '/v1/drivers/me/shift', token, { status: 'available' })).status,
      ).toBe(200);
      await report(i);
    }
    // Two orders in opposite directions (never batched), accepted: each trip is offered now.
    const orderIds: string[] = [];
    for (const [i, dLat] of [0.01, -0.01].entries()) {
      const placed = await call(
        'POST',
        '/v1/orders',
        customer,
        {
          store_id: storeId,
          lines: [{ product_id: productId, quantity: 1 }],
          delivery: { lat: at.lat + dLat, lng: at.lng, address: `Door ${i}` },
          payment: { card_token: 'tok_visa' },
        },
        `dc-${i}`,
      );
      expect(placed.status).toBe(201);
      const id = (placed.body as { id: string }).id;
      orderIds.push(id);
      expect((await call('POST', `/v1/orders/${id}/accept`, staff)).status).toBe(200);
    }
    const offerOf = async (i: number) => {
      const r = await call('GET', '/v1/dispatch/offers', drivers[i] as string);
      return (
        ((r.body as { items: Array<{ id: string; trip_id: string }> } | null)?.items ?? [])[0] ??
        null
      );
    };
    const offers = await waitFor(
      async () => {
        const o = [await offerOf(0), await offerOf(1)];
        return o[0] && o[1] ? o : null;
      },
      30_000,
      'an open offer for each driver',
    );
    const [kept, ignored] = offers as [
      { id: string; trip_id: string },
      { id: string; trip_id: string },
    ];
    // The last positions must be on record for a process that loses the in-process index.
    await waitFor(
      async () =>
        (
          await sql<{
            n: number;
          }>`SELECT count(*)::int AS n FROM drivers WHERE last_fix_at IS NOT NULL`.execute(
            world.database.db,
          )
        ).rows[0]?.n === 2,
      10_000,
      'positions stored',
    );

    await world.proc.crash();
    world.proc = await spawnLastmile(['--port', String(port)], env);
    await world.proc.crash();
    world.proc = await spawnLastmile(['--port', String(port)], env);

    const first = await call('POST', `/v1/dispatch/offers/${kept.id}/accept`, drivers[0]);
    expect(first.status).toBe(200);
    const again = await call('POST', `/v1/dispatch/offers/${kept.id}/accept`, drivers[0]);
    expect(again.status).toBe(409);

    // The other offer runs out after the restart and is expired once.
    const expired = await waitFor(
      async () => {
        const r = await sql<{
          status: string;
        }>`SELECT status FROM offers WHERE id = ${ignored.id}`.execute(world.database.db);
        return r.rows[0]?.status === 'expired' ? r.rows[0] : null;
      },
      (OFFER_TTL_S + 20) * 1000,
      'the ignored offer to expire',
    );
    expect(expired.status).toBe('expired');
    const late = await call('POST', `/v1/dispatch/offers/${ignored.id}/accept`, drivers[1]);
    expect(late.status).toBe(409);

    const stats = await sql<{
      id: string;
      offers_received: number;
      offers_accepted: number;
      status: string;
    }>`
      SELECT id, offers_received, offers_accepted, status FROM drivers ORDER BY id`.execute(
      world.database.db,
    );
    expect(stats.rows.map((r) => [r.offers_received, r.offers_accepted, r.status])).toEqual([
      [1, 1, 'on_delivery'],
      [1, 0, 'available'],
    ]);
    const assigned = await sql<{
      trip: string;
      n: number;
    }>`SELECT driver_id AS trip, count(*)::int AS n FROM trips WHERE status = 'assigned' GROUP BY driver_id`.execute(
      world.database.db,
    );
    expect(assigned.rows).toHaveLength(1);
    expect(assigned.rows[0]?.n).toBe(1);
    const accepted = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM offers WHERE status = 'accepted'`.execute(world.database.db);
    expect(accepted.rows[0]?.n).toBe(1);
    // The ignored trip is still being looked after: searching again (or escalated), never stuck on a dead offer.
    const left = await sql<{
      status: string;
    }>`SELECT status FROM trips WHERE id = ${ignored.trip_id}`.execute(world.database.db);
    expect(['searching', 'offered']).toContain(left.rows[0]?.status);
  }, 180_000);
});
