import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogFixture, ALWAYS } from '../../../test/support/catalog-fixture.ts';

const fx = catalogFixture({ categories: true });

const db = () => fx.t.platform.ctx.db;
const post = (url: string, payload: string, type = 'text/csv', token = fx.ops) =>
  fx.t.request({ method: 'POST', url, token, payload, headers: { 'content-type': type } });
const importProducts = (payload: string, type?: string) =>
  post('/v1/catalog/import/products', payload, type);

describe('stock import', () => {
  let storeId: string;
  let otherStoreId: string;
  const importStock = (payload: string, qs = '', type = 'text/csv', token = fx.ops, id = storeId) =>
    post(`/v1/stores/${id}/stock/import${qs}`, payload, type, token);
  const level = async (sku: string) =>
    (
      await sql<{
        on_hand: number;
        reserved: number;
      }>`SELECT s.on_hand, s.reserved FROM stock s JOIN products p ON p.id = s.product_id WHERE s.store_id = ${storeId} AND p.sku = ${sku}`.execute(
        db(),
      )
    ).rows[0];

  beforeAll(async () => {
    const mk = async (name: string) =>
      (
        await fx.t.request({
          method: 'POST',
          url: '/v1/stores',
          token: fx.ops,
          payload: { name, lat: 52.5, lng: 13.4, zone: { radius_m: 3000 }, opening_hours: ALWAYS },
        })
      ).json().id as string;
    storeId = await mk('Import shop');
    otherStoreId = await mk('Other shop');
    await importProducts(
      `sku,name,category_id,price_minor,currency\nST-1,Milk,milk,100,EUR\nST-2,Bread,bakery,200,EUR\nST-3,Butter,dairy,300,EUR`,
    );
  });

  it('sets levels with audit rows and reports unknown SKUs, bad counts and levels below reserved', async () => {
    expect((await importStock('sku,on_hand\nST-3,10')).json()).toMatchObject({
      applied: 1,
      failed: 0,
    });
    await sql`UPDATE stock SET reserved = 5 WHERE store_id = ${storeId}`.execute(db());
    const res = await importStock(
      'on_hand,sku\n24,ST-1\n5,NOPE-1\n-3,ST-2\n3,ST-3\nabc,ST-2\n7,ST-2',
      '?reason=weekly%20count',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      rows: 6,
      applied: 2,
      failed: 4,
      errors: [
        { line: 3, field: 'sku', message: 'sku: no product with SKU "NOPE-1"' },
        { line: 4, field: 'on_hand', message: 'on_hand: must be >= 0' },
        {
          line: 5,
          field: 'on_hand',
          message: expect.stringContaining('below the units already reserved'),
        },
        { line: 6, field: 'on_hand', message: 'on_hand: must be integer' },
      ],
    });
    expect(await level('ST-1')).toEqual({ on_hand: 24, reserved: 0 });
    expect(await level('ST-2')).toEqual({ on_hand: 7, reserved: 0 });
    expect(await level('ST-3')).toEqual({ on_hand: 10, reserved: 5 });
    const audit = await sql<{
      kind: string;
      delta: number;
      on_hand_after: number;
      reason: string;
      actor: string;
    }>`
      SELECT kind, delta, on_hand_after, reason, actor FROM stock_adjustments WHERE store_id = ${storeId} AND reason = 'weekly count' ORDER BY on_hand_after`.execute(
      db(),
    );
    const opsId = (await fx.t.platform.ctx.tokens.verify(fx.ops)).id;
    expect(audit.rows).toEqual([
      { kind: 'import', delta: 7, on_hand_after: 7, reason: 'weekly count', actor: opsId },
      { kind: 'import', delta: 24, on_hand_after: 24, reason: 'weekly count', actor: opsId },
    ]);
  });

  it('keeps the first 1000 errors by line, including those found when a batch is written', async () => {
    // Every third row fails its check at once; the others name unknown SKUs, found only when their batch is written.
    const rows = Array.from({ length: 1500 }, (_, i) =>
      i % 3 === 0 ? `GHOST-${i},x` : `GHOST-${i},1`,
    );
    const res = await importStock(['sku,on_hand', ...rows].join('\n'));
    const body = res.json();
    expect(body).toMatchObject({ rows: 1500, applied: 0, failed: 1500 });
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 2),
    );
  });

  it('takes NDJSON and records the default reason', async () => {
    const res = await importStock(
      '{"sku":"ST-1","on_hand":30}\n{"sku":"ST-2","on_hand":8}',
      '',
      'application/x-ndjson',
    );
    expect(res.json()).toMatchObject({ rows: 2, applied: 2, failed: 0 });
    const reasons = await sql<{
      reason: string;
    }>`SELECT DISTINCT reason FROM stock_adjustments WHERE store_id = ${storeId} AND on_hand_after IN (30, 8)`.execute(
      db(),
    );
    expect(reasons.rows).toEqual([{ reason: 'stock import' }]);
  });

  it("lets store staff import their own store's stock only", async () => {
    const staff = async (store: string) =>
      (await fx.t.platform.ctx.tokens.issue({ userId: uuidv7(), role: 'store', storeId: store }))
        .token;
    expect(
      (await importStock('sku,on_hand\nST-1,31', '', 'text/csv', await staff(otherStoreId)))
        .statusCode,
    ).toBe(403);
    expect(
      (await importStock('sku,on_hand\nST-1,31', '', 'text/csv', await staff(storeId))).json(),
    ).toMatchObject({ applied: 1 });
    expect(
      (await importStock('sku,on_hand\nST-1,31', '', 'text/csv', await fx.t.tokenFor('customer')))
        .statusCode,
    ).toBe(403);
    expect(
      (await importStock('sku,on_hand\nST-1,1', '', 'text/csv', fx.ops, uuidv7())).statusCode,
    ).toBe(404);
    expect((await importStock('sku,count\nST-1,1')).statusCode).toBe(400);
  });
});
