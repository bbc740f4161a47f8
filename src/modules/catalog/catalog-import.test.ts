import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { catalogFixture } from '../../../test/support/catalog-fixture.ts';
import { importTally } from './import-report.ts';
import { writeProducts } from './product-import.service.ts';

const fx = catalogFixture({ categories: true });
const HEADER = 'sku,name,brand,category_id,price_minor,currency,image_url,weight_g,age_restricted';

const db = () => fx.t.platform.ctx.db;
const post = (url: string, payload: string, type = 'text/csv', token = fx.ops) =>
  fx.t.request({ method: 'POST', url, token, payload, headers: { 'content-type': type } });
const importProducts = (payload: string, type?: string) =>
  post('/v1/catalog/import/products', payload, type);

async function product(sku: string) {
  const r = await sql<{
    id: string;
    name: string;
    brand: string;
    price_minor: number;
    currency: string;
    image_url: string | null;
    weight_g: number | null;
    age_restricted: boolean;
    version: number;
    category_path: string[];
  }>`
    SELECT id, name, brand, price_minor, currency, image_url, weight_g, age_restricted, version, category_path FROM products WHERE sku = ${sku}`.execute(
    db(),
  );
  return r.rows[0];
}
const outboxFor = async (productId: string) =>
  (
    await sql<{
      payload: { version: number; price_minor: number };
    }>`SELECT payload FROM outbox WHERE type = 'catalog.product_changed' AND aggregate_id = ${productId} ORDER BY id`.execute(
      db(),
    )
  ).rows.map((r) => r.payload);

describe('product import', () => {
  it('loads a good CSV with its columns in any order and optional columns defaulted', async () => {
    const csv = [
      'price_minor,sku,name,category_id,currency,age_restricted,brand,weight_g,image_url',
      '199,GOOD-1,Oat milk,milk,EUR,no,Oatly,1000,https://img.example/oat.png',
      '349,GOOD-2,"Rye bread, dark",bakery,EUR,true,,,',
      '',
    ].join('\r\n');
    const res = await importProducts(csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ rows: 2, applied: 2, failed: 0, errors: [] });
    expect(await product('GOOD-1')).toMatchObject({
      name: 'Oat milk',
      brand: 'Oatly',
      price_minor: 199,
      weight_g: 1000,
      image_url: 'https://img.example/oat.png',
      age_restricted: false,
      version: 1,
      category_path: ['dairy', 'milk'],
    });
    expect(await product('GOOD-2')).toMatchObject({
      name: 'Rye bread, dark',
      brand: '',
      weight_g: null,
      image_url: null,
      age_restricted: true,
    });
  });

  it('reports each bad row with its line and field and loads the rest', async () => {
    const csv = [
      HEADER,
      'BAD-OK1,Whole milk,Farm,milk,129,EUR,,,',
      'BAD-PRICE,Cream,Farm,dairy,-5,EUR,,,',
      'BAD-CAT,Cheese,Farm,cheese,500,EUR,,,',
      ',No sku,Farm,dairy,100,EUR,,,',
      'BAD-CUR,Butter,Farm,dairy,250,eur,,,',
      'BAD-COLS,Short row,Farm,dairy,250,EUR',
      'BAD-OK2,"Bread, ""sour""',
      'dough",Bakery Co,bakery,399,EUR,,450,false',
      'BAD-INT,Bun,Bakery Co,bakery,1.5,EUR,,,',
      'BAD-URL,Roll,Bakery Co,bakery,50,EUR,not a url,,',
    ].join('\n');
    const res = await importProducts(csv);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ rows: 9, applied: 2, failed: 7 });
    expect(body.errors.map((e: { line: number; field?: string }) => [e.line, e.field])).toEqual([
      [3, 'price_minor'],
      [4, 'category_id'],
      [5, 'sku'],
      [6, 'currency'],
      [7, undefined],
      [10, 'price_minor'],
      [11, 'image_url'],
    ]);
    expect(body.errors[4].message).toContain('expected 9 fields');
    expect(await product('BAD-OK1')).toMatchObject({ price_minor: 129 });
    expect(await product('BAD-OK2')).toMatchObject({ name: 'Bread, "sour"\ndough', weight_g: 450 });
    const loaded = await sql<{
      sku: string;
    }>`SELECT sku FROM products WHERE sku LIKE 'BAD-%' ORDER BY sku`.execute(db());
    expect(loaded.rows.map((r) => r.sku)).toEqual(['BAD-OK1', 'BAD-OK2']);
  });

  it('reads NDJSON line by line: a malformed line is reported, blank lines are skipped', async () => {
    const ndjson = [
      JSON.stringify({
        sku: 'ND-1',
        name: 'Kefir',
        category_id: 'dairy',
        price_minor: 189,
        currency: 'EUR',
        age_restricted: false,
      }),
      '{"sku": "ND-2", "name": "Broken"',
      '',
      '[1, 2]',
      JSON.stringify({
        sku: 'ND-3',
        name: 'Quark',
        category_id: 'dairy',
        price_minor: 99,
        currency: 'EUR',
        popularity: 5,
      }),
      JSON.stringify({
        sku: 'ND-4',
        name: 'Skyr',
        category_id: 'dairy',
        price_minor: 159,
        currency: 'EUR',
        weight_g: 450,
      }),
    ].join('\n');
    const res = await importProducts(ndjson, 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ rows: 5, applied: 2, failed: 3 });
    expect(body.errors).toEqual([
      { line: 2, message: expect.stringContaining('not valid JSON') },
      { line: 4, message: 'each line must be one JSON object' },
      { line: 5, field: 'popularity', message: 'popularity: unknown field' },
    ]);
    expect(await product('ND-4')).toMatchObject({ weight_g: 450 });
  });

  it('updates an existing SKU with a new version and an outbox event, and leaves an unchanged one alone', async () => {
    await importProducts(`sku,name,category_id,price_minor,currency\nUPD-1,Milk,milk,100,EUR`);
    const before = await product('UPD-1');
    expect(before?.version).toBe(1);
    const res = await importProducts(
      `sku,name,category_id,price_minor,currency\nUPD-1,Milk,milk,150,EUR`,
    );
    expect(res.json()).toMatchObject({ applied: 1, failed: 0 });
    const after = await product('UPD-1');
    expect(after).toMatchObject({ id: before?.id, version: 2, price_minor: 150 });
    expect(await outboxFor(after?.id as string)).toMatchObject([
      { version: 1, price_minor: 100 },
      { version: 2, price_minor: 150 },
    ]);
    await importProducts(`sku,name,category_id,price_minor,currency\nUPD-1,Milk,milk,150,EUR`);
    expect((await product('UPD-1'))?.version).toBe(2);
    expect(await outboxFor(after?.id as string)).toHaveLength(2);
  });

  it('lets the later row of a SKU repeated in one file win', async () => {
    // The streamed body cannot be hashed for Idempotency-Key; the routes ignore the key rather than fail.
    const res = await fx.t.request({
      method: 'POST',
      url: '/v1/catalog/import/products',
      token: fx.ops,
      headers: { 'content-type': 'text/csv', 'idempotency-key': 'dup-file-1' },
      payload: `sku,name,category_id,price_minor,currency\nDUP-1,First,milk,100,EUR\nDUP-2,Other,milk,1,EUR\nDUP-1,Second,milk,200,EUR`,
    });
    expect(res.json()).toMatchObject({ rows: 3, applied: 3, failed: 0 });
    expect(await product('DUP-1')).toMatchObject({ name: 'Second', price_minor: 200, version: 2 });
  });

  it('applies the good rows of a batch the database refuses and reports the bad one', async () => {
    const tally = importTally();
    const row = (line: number, sku: string, category_id: string) => ({
      line,
      product: {
        id: uuidv7(),
        sku,
        name: sku,
        brand: '',
        category_id,
        price_minor: 1,
        currency: 'EUR',
        image_url: null,
        weight_g: null,
        age_restricted: false,
      },
    });
    // A category that vanished after the file's rows were checked: the batch fails, each row is retried alone.
    await writeProducts(
      db(),
      [row(2, 'FB-1', 'milk'), row(3, 'FB-2', 'ghost'), row(4, 'FB-3', 'bakery')],
      tally,
    );
    expect(tally.done()).toMatchObject({
      applied: 2,
      failed: 1,
      errors: [{ line: 3, message: expect.stringContaining('refused by the database') }],
    });
    expect(await product('FB-2')).toBeUndefined();
    expect(await product('FB-3')).toBeDefined();
  });

  it('answers 400 to a bad header or a file without data rows, 415 to another media type, 403 to non-ops', async () => {
    for (const [csv, detail] of [
      [
        'sku,name,colour,category_id,price_minor,currency\nX,x,red,milk,1,EUR',
        'Unknown column "colour"',
      ],
      ['sku,name,category_id,currency\nX,x,milk,EUR', 'Missing required column price_minor'],
      ['sku,sku,name,category_id,price_minor,currency\n', 'appears twice'],
      [`${HEADER}\n`, 'no data rows'],
      ['', 'first line must be the header'],
    ]) {
      const res = await importProducts(csv as string);
      expect(res.statusCode, csv).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toContain(detail);
    }
    expect((await importProducts('\n\n', 'application/x-ndjson')).statusCode).toBe(400);
    for (const type of ['text/plain', 'application/json', 'text/csv; charset=latin1']) {
      const res = await importProducts(type === 'application/json' ? '{}' : 'sku', type);
      expect(res.statusCode, type).toBe(415);
      expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(
      (
        await post(
          '/v1/catalog/import/products',
          `${HEADER}\n`,
          'text/csv',
          await fx.t.tokenFor('store'),
        )
      ).statusCode,
    ).toBe(403);
  });

  it('describes both routes in the OpenAPI document', async () => {
    const doc = (await fx.t.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/v1/catalog/import/products', '/v1/stores/{id}/stock/import']) {
      const op = doc.paths[path].post;
      expect(op.tags).toEqual(['import']);
      expect(op.summary).toBeTruthy();
      expect(Object.keys(op.requestBody.content).sort()).toEqual([
        'application/x-ndjson',
        'text/csv',
      ]);
    }
  });

  it('loads a 50,000-row file', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 50_000; i++)
      lines.push(
        `BULK-${i},Product ${i},Brand ${i % 50},${i % 2 ? 'milk' : 'bakery'},${100 + (i % 900)},EUR,,${i % 1000},${i % 7 === 0}`,
      );
    const res = await importProducts(lines.join('\n'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ rows: 50_000, applied: 50_000, failed: 0, errors: [] });
    const n = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM products WHERE sku LIKE 'BULK-%'`.execute(db());
    expect(n.rows[0]?.n).toBe(50_000);
    expect(await product('BULK-49999')).toMatchObject({
      name: 'Product 49999',
      price_minor: 100 + (49_999 % 900),
      weight_g: 999,
    });
  }, 120_000);
});
