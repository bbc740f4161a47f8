import fc from 'fast-check';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createDatabase, type Database } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { inventoryService, type ReserveStrategy } from './inventory.service.ts';

let tdb: TestDatabase;
let database: Database;
let now = Date.parse('2026-11-23T18:00:00Z');
const clock = { now: () => now };

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = createDatabase(tdb.url, { poolSize: 20 });
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
});

async function stocked(levels: number[]): Promise<{ storeId: string; products: string[] }> {
  const storeId = uuidv7();
  const products = levels.map(() => uuidv7());
  await inventoryService({ db: database.db, clock }).setLevels(
    products.map((productId, i) => ({ storeId, productId, onHand: levels[i] ?? 0 })),
    { kind: 'count', reason: 'test', actor: 'test' },
  );
  return { storeId, products };
}

const stock = async (storeId: string, productId: string) =>
  (
    await sql<{
      on_hand: number;
      reserved: number;
    }>`SELECT on_hand, reserved FROM stock WHERE store_id = ${storeId} AND product_id = ${productId}`.execute(
      database.db,
    )
  ).rows[0];

describe.each(['coalesced', 'conditional', 'locking'] as ReserveStrategy[])(
  'reservations (%s)',
  (strategy) => {
    const inv = () => inventoryService({ db: database.db, clock, strategy });

    it('500 concurrent reservations for 100 units: exactly 100 succeed, 400 are told out of stock', async () => {
      const { storeId, products } = await stocked([100]);
      const productId = products[0] as string;
      const results = await Promise.allSettled(
        Array.from({ length: 500 }, (_, i) =>
          inv().reserve({
            storeId,
            owner: `order:${i}-${strategy}`,
            lines: [{ productId, quantity: 1 }],
            ttlMs: 60_000,
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results.filter(
        (r) =>
          r.status === 'rejected' &&
          r.reason instanceof AppError &&
          r.reason.code === 'OUT_OF_STOCK',
      ).length;
      expect(ok).toBe(100);
      expect(refused).toBe(400);
      expect(await stock(storeId, productId)).toEqual({ on_hand: 100, reserved: 100 });
    });

    it('reserves all lines or none and names the short ones', async () => {
      const { storeId, products } = await stocked([5, 1]);
      const [a, b] = products as [string, string];
      const err = await inv()
        .reserve({
          storeId,
          owner: `o-${strategy}-short`,
          lines: [
            { productId: a, quantity: 2 },
            { productId: b, quantity: 2 },
          ],
          ttlMs: 1000,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).details).toEqual({ product_ids: [b] });
      expect(await stock(storeId, a)).toEqual({ on_hand: 5, reserved: 0 });
      const unknown = await inv()
        .reserve({
          storeId,
          owner: `o-${strategy}-unknown`,
          lines: [{ productId: uuidv7(), quantity: 1 }],
          ttlMs: 1000,
        })
        .catch((e: unknown) => e);
      expect((unknown as AppError).code).toBe('OUT_OF_STOCK');
    });

    it('confirms picked units, releases the rest, and treats repeats as no-ops', async () => {
      const { storeId, products } = await stocked([10, 10]);
      const [a, b] = products as [string, string];
      const r = await inv().reserve({
        storeId,
        owner: `o-${strategy}-pick`,
        lines: [
          { productId: a, quantity: 3 },
          { productId: b, quantity: 2 },
        ],
        ttlMs: 60_000,
      });
      expect(
        await inv().confirm(r.reservationId, [
          { productId: a, quantity: 2 },
          { productId: b, quantity: 0 },
        ]),
      ).toBe(true);
      expect(await inv().confirm(r.reservationId)).toBe(false);
      expect(await inv().release(r.reservationId)).toBe(false);
      expect(await stock(storeId, a)).toEqual({ on_hand: 8, reserved: 0 });
      expect(await stock(storeId, b)).toEqual({ on_hand: 10, reserved: 0 });
    });

    it('expires a hold exactly once when its time has passed (injected clock)', async () => {
      const { storeId, products } = await stocked([4]);
      const productId = products[0] as string;
      const r = await inv().reserve({
        storeId,
        owner: `cart:${strategy}`,
        lines: [{ productId, quantity: 3 }],
        ttlMs: 60_000,
      });
      expect(await inv().expireDue()).toBe(0);
      now += 61_000;
      const swept = await Promise.all([inv().expireDue(), inv().expireDue(), inv().expireDue()]);
      expect(swept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
      expect((await inv().get(r.reservationId))?.status).toBe('expired');
      expect(await inv().release(r.reservationId)).toBe(false);
      expect(await stock(storeId, productId)).toEqual({ on_hand: 4, reserved: 0 });
    });

    it('moves a cart hold to an order in one transaction', async () => {
      const { storeId, products } = await stocked([2]);
      const productId = products[0] as string;
      await inv().reserve({
        storeId,
        owner: `cart:move-${strategy}`,
        lines: [{ productId, quantity: 2 }],
        ttlMs: 60_000,
      });
      const order = await inv().reserve({
        storeId,
        owner: `order:move-${strategy}`,
        lines: [{ productId, quantity: 2 }],
        ttlMs: 60_000,
        replacingHoldOf: `cart:move-${strategy}`,
      });
      expect((await inv().get(order.reservationId))?.status).toBe('held');
      expect(await stock(storeId, productId)).toEqual({ on_hand: 2, reserved: 2 });
    });
  },
);

describe('reservation invariants (property)', () => {
  it('random concurrent reserve/confirm/release/expire never oversell and keep reserved equal to held lines', async () => {
    const inv = inventoryService({ db: database.db, clock, strategy: 'conditional' });
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        lines: fc.array(fc.record({ p: fc.nat(3), q: fc.integer({ min: 1, max: 4 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        ttl: fc.integer({ min: 1000, max: 120_000 }),
      }),
      fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat(10), partial: fc.boolean() }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat(10) }),
      fc.record({
        kind: fc.constant('expire' as const),
        advance: fc.integer({ min: 0, max: 90_000 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 3, maxLength: 8 }),
        async (rounds) => {
          const { storeId, products } = await stocked([5, 3, 8, 1]);
          const held: string[] = [];
          for (const round of rounds) {
            // Each round's operations run concurrently, like requests racing each other.
            await Promise.allSettled(
              round.map(async (o) => {
                if (o.kind === 'reserve') {
                  const lines = o.lines.map((l) => ({
                    productId: products[l.p] as string,
                    quantity: l.q,
                  }));
                  const r = await inv.reserve({
                    storeId,
                    owner: `order:${uuidv7()}`,
                    lines,
                    ttlMs: o.ttl,
                  });
                  held.push(r.reservationId);
                } else if (o.kind === 'confirm' && held.length > 0) {
                  const id = held[o.pick % held.length] as string;
                  const r = await inv.get(id);
                  await inv.confirm(
                    id,
                    o.partial
                      ? r?.lines.map((l) => ({
                          productId: l.product_id,
                          quantity: Math.floor(l.quantity / 2),
                        }))
                      : undefined,
                  );
                } else if (o.kind === 'release' && held.length > 0) {
                  await inv.release(held[o.pick % held.length] as string);
                } else if (o.kind === 'expire') {
                  now += o.advance;
                  await inv.expireDue();
                }
              }),
            );
          }
          const bad = await sql<{ n: number }>`SELECT count(*)::int AS n FROM stock s
          WHERE s.store_id = ${storeId} AND (s.reserved < 0 OR s.reserved > s.on_hand OR s.on_hand < 0 OR s.reserved <> coalesce((
            SELECT sum(l.quantity) FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
            WHERE r.status = 'held' AND r.store_id = s.store_id AND l.product_id = s.product_id), 0))`.execute(
            database.db,
          );
          expect(bad.rows[0]?.n).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('reservations for several owners in one statement (checkout batches)', () => {
  it('holds each order at its own store, all or nothing per order, and answers each in its place', async () => {
    const inv = inventoryService({ db: database.db, clock });
    const north = await stocked([3, 3]);
    const south = await stocked([1, 5]);
    const [n1, n2] = north.products as [string, string];
    const [s1, s2] = south.products as [string, string];
    const reqs = [
      {
        storeId: south.storeId,
        owner: 'order:a',
        lines: [
          { productId: s2, quantity: 2 },
          { productId: s1, quantity: 1 },
        ],
        ttlMs: 60_000,
      },
      {
        storeId: north.storeId,
        owner: 'order:b',
        lines: [{ productId: n1, quantity: 2 }],
        ttlMs: 60_000,
      },
      // Short of s1 once a took it: nothing of c is held, s2 included.
      {
        storeId: south.storeId,
        owner: 'order:c',
        lines: [
          { productId: s1, quantity: 1 },
          { productId: s2, quantity: 1 },
        ],
        ttlMs: 60_000,
      },
      {
        storeId: north.storeId,
        owner: 'order:d',
        lines: [
          { productId: n2, quantity: 2 },
          { productId: n1, quantity: 1 },
        ],
        ttlMs: 60_000,
      },
      // An owner already holding in this batch is refused, and holds nothing more.
      {
        storeId: north.storeId,
        owner: 'order:b',
        lines: [{ productId: n2, quantity: 1 }],
        ttlMs: 60_000,
      },
    ];
    const answers = await database.db.transaction().execute((trx) => inv.reserveEach(reqs, trx));
    expect(answers.map((a) => (a instanceof AppError ? a.code : 'held'))).toEqual([
      'held',
      'held',
      'OUT_OF_STOCK',
      'held',
      'CONFLICT',
    ]);
    expect((answers[2] as AppError).details).toEqual({ product_ids: [s1] });
    expect(await stock(south.storeId, s1)).toEqual({ on_hand: 1, reserved: 1 });
    expect(await stock(south.storeId, s2)).toEqual({ on_hand: 5, reserved: 2 });
    expect(await stock(north.storeId, n1)).toEqual({ on_hand: 3, reserved: 3 });
    expect(await stock(north.storeId, n2)).toEqual({ on_hand: 3, reserved: 2 });
    const held = await sql<{
      owner: string;
      store_id: string;
      units: number;
    }>`SELECT r.owner, r.store_id, sum(l.quantity)::int AS units
      FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id WHERE r.owner IN ('order:a', 'order:b', 'order:c', 'order:d') AND r.status = 'held'
      GROUP BY 1, 2 ORDER BY 1`.execute(database.db);
    expect(held.rows).toEqual([
      { owner: 'order:a', store_id: south.storeId, units: 3 },
      { owner: 'order:b', store_id: north.storeId, units: 2 },
      { owner: 'order:d', store_id: north.storeId, units: 3 },
    ]);
  });
});
