import Fastify from 'fastify';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { priceOrder } from '../src/modules/orders/pricing.ts';
import { fakeProvider } from '../src/modules/payments/fake-provider.ts';
import type { TokenIssuer } from '../src/platform/auth/tokens.ts';
import { createDatabase, type Db } from '../src/platform/db/pool.ts';

interface Body {
  store_id: string;
  lines: Array<{ product_id: string; quantity: number }>;
  delivery: { lat: number; lng: number; address: string };
  payment: { card_token: string };
}

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const RESERVATION_TTL_MS = 15 * 60_000;

/**
 * Transaction 1: the lines reserved by plain Option B (inventory_reserve: one conditional UPDATE
 * over the lines, and the reservation rows), the order, its lines and its outbox event. Returns
 * the total to authorize.
 */
async function placeOrder(db: Db, customerId: string, key: string, b: Body, orderId: string) {
  const ids = b.lines.map((l) => l.product_id);
  const products = await sql<{
    id: string;
    sku: string;
    name: string;
    price_minor: number;
    currency: string;
  }>`
    SELECT id, sku, name, price_minor, currency FROM products WHERE id = ANY(${ids}::uuid[])`.execute(
    db,
  );
  const byId = new Map(products.rows.map((p) => [p.id, p]));
  const priced = b.lines.map((l) => {
    const p = byId.get(l.product_id);
    if (!p) throw new Refused(422, `unknown product ${l.product_id}`);
    return { ...l, p };
  });
  const currency = priced[0]?.p.currency ?? 'EUR';
  const totals = priceOrder(
    priced.map((l) => ({ unitPriceMinor: l.p.price_minor, quantity: l.quantity })),
  );
  const reservationId = uuidv7();
  await db.transaction().execute(async (trx) => {
    await sql`SELECT inventory_reserve(${reservationId}::uuid, ${b.store_id}::uuid, ${`order:${orderId}`},
      ${ids}::uuid[], ${b.lines.map((l) => l.quantity)}::int[], ${new Date(Date.now() + RESERVATION_TTL_MS).toISOString()}::timestamptz)`.execute(
      trx,
    );
    await sql`INSERT INTO orders (id, customer_id, store_id, status, currency, subtotal_minor, delivery_fee_minor,
        small_order_fee_minor, service_fee_minor, tax_minor, total_minor, delivery_lat, delivery_lng, delivery_address,
        reservation_id, payment_method, client_key)
      VALUES (${orderId}::uuid, ${customerId}::uuid, ${b.store_id}::uuid, 'placed', ${currency}, ${totals.subtotal_minor},
        ${totals.delivery_fee_minor}, ${totals.small_order_fee_minor}, ${totals.service_fee_minor}, ${totals.tax_minor},
        ${totals.total_minor}, ${b.delivery.lat}, ${b.delivery.lng}, ${b.delivery.address}, ${reservationId}::uuid,
        ${b.payment.card_token}, ${key})`.execute(trx);
    await sql`INSERT INTO order_lines (order_id, product_id, sku, name, unit_price_minor, quantity)
      SELECT ${orderId}::uuid, * FROM unnest(${ids}::uuid[], ${priced.map((l) => l.p.sku)}::text[],
        ${priced.map((l) => l.p.name)}::text[], ${priced.map((l) => l.p.price_minor)}::int[], ${b.lines.map((l) => l.quantity)}::int[])`.execute(
      trx,
    );
    await sql`INSERT INTO bench_textbook_outbox (id, type, aggregate_id, payload)
      VALUES (${uuidv7()}::uuid, 'order.placed', ${orderId}, ${JSON.stringify({ order_id: orderId, total_minor: totals.total_minor })}::jsonb)`.execute(
      trx,
    );
  });
  return { total: totals.total_minor, currency };
}

/**
 * The orders benchmark's baseline: the strongest straightforward checkout, a small Fastify server
 * on the same database, schema and payment provider as ours. Per order and nothing shared across
 * requests: transaction 1 (placeOrder); the provider's authorization outside any transaction;
 * transaction 2 records the payment and marks the order authorized. Its outbox rows go to a table
 * of its own, so our relay and consumers never see its orders.
 */
export async function startTextbookCheckout(opts: {
  databaseUrl: string;
  tokens: TokenIssuer;
  poolSize: number;
  webhookSecret: string;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const main = createDatabase(opts.databaseUrl, {
    poolSize: opts.poolSize,
    applicationName: 'lastmile:bench-textbook',
  });
  // The provider as ours runs it: its own pool, no synchronous flush (see payments/index.ts).
  const psp = createDatabase(opts.databaseUrl, {
    poolSize: 6,
    applicationName: 'lastmile:fakepay',
    synchronousCommit: false,
  });
  const provider = fakeProvider({ db: psp.db, webhookSecret: opts.webhookSecret });
  const db = main.db;
  await sql`CREATE TABLE IF NOT EXISTS bench_textbook_outbox (LIKE outbox INCLUDING ALL)`.execute(
    db,
  );
  const app = Fastify();
  app.post<{ Body: Body }>('/v1/orders', async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    const who = await opts.tokens.verify(auth.slice(7)).catch(() => undefined);
    const key = req.headers['idempotency-key'];
    if (who?.role !== 'customer' || typeof key !== 'string') return reply.code(401).send({});
    const orderId = uuidv7();
    try {
      const { total, currency } = await placeOrder(db, who.id, key, req.body, orderId);
      const answer = await provider.authorize({
        amountMinor: total,
        currency,
        cardToken: req.body.payment.card_token,
        idempotencyKey: `authorize:${orderId}`,
        reference: orderId,
      });
      if (answer.status !== 'authorized') return reply.code(402).send({ id: orderId });
      await db.transaction().execute(async (trx) => {
        await sql`INSERT INTO payments (id, order_id, status, currency, authorized_minor, provider, provider_payment_id)
          VALUES (${uuidv7()}::uuid, ${orderId}::uuid, 'authorized', ${currency}, ${total}, ${provider.name}, ${answer.providerPaymentId})`.execute(
          trx,
        );
        await sql`UPDATE orders SET status = 'authorized', version = version + 1, status_at = now(), updated_at = now()
          WHERE id = ${orderId}::uuid AND status = 'placed'`.execute(trx);
      });
      return reply
        .code(201)
        .send({ id: orderId, status: 'authorized', payment: { status: 'authorized' } });
    } catch (err) {
      const status =
        err instanceof Refused ? err.status : /out of stock/.test(String(err)) ? 409 : 500;
      return reply.code(status).send({ error: String(err) });
    }
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      await main.close();
      await psp.close();
    },
  };
}
