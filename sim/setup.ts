import type { Api } from './client.ts';
import type { SimStore } from './state.ts';
import type { Plan } from './plan.ts';

const ALWAYS_OPEN = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
);
/** Every simulated account signs in with this (the server asks for at least 10 characters). */
export const SIM_PASSWORD = 'simulated-evening-1';

/** Runs `fn` over `items` with at most `n` at a time, keeping the order of results. */
export async function inPool<T, R>(
  items: readonly T[],
  n: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

async function must<T>(
  what: string,
  p: Promise<{ status: number; body: T }>,
  ok: number[] = [200, 201],
): Promise<T> {
  const res = await p;
  if (!ok.includes(res.status))
    throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function signIn(api: Api, email: string, password: string): Promise<string> {
  const body = await must<{ access_token: string }>(
    `sign-in of ${email}`,
    api.call('POST', '/v1/auth/token', { body: { email, password } }),
    [200],
  );
  return body.access_token;
}

export interface City {
  stores: SimStore[];
  productIds: string[];
  customerTokens: string[];
  driverTokens: string[];
}

/**
 * Builds the simulated city through the public API as its operators would: stores with zones
 * and staff, the catalog and stock as NDJSON imports, couriers onboarded by ops, and customers
 * who sign up themselves. `tag` keeps two runs on one instance apart.
 */
export async function buildCity(
  api: Api,
  plan: Plan,
  opsToken: string,
  tag: string,
  log: (msg: string) => void,
): Promise<City> {
  const token = opsToken;
  await must(
    'category',
    api.call('PUT', '/v1/categories/sim-groceries', { token, body: { name: 'Groceries' } }),
  );
  const ndjson = plan.products
    .map((p) =>
      JSON.stringify({
        sku: `${p.sku}-${tag}`,
        name: p.name,
        category_id: 'sim-groceries',
        price_minor: p.priceMinor,
        currency: 'EUR',
      }),
    )
    .join('\n');
  const imported = await must<{ failed: number }>(
    'product import',
    api.call('POST', '/v1/catalog/import/products', {
      token,
      raw: ndjson,
      contentType: 'application/x-ndjson',
    }),
  );
  if (imported.failed > 0)
    throw new Error(`product import refused ${imported.failed} rows: ${JSON.stringify(imported)}`);

  const stores = await inPool(plan.stores, 4, async (ps) => {
    const created = await must<{ id: string }>(
      `store ${ps.name}`,
      api.call('POST', '/v1/stores', {
        token,
        body: {
          name: `${ps.name} ${tag}`,
          lat: ps.at.lat,
          lng: ps.at.lng,
          zone: { radius_m: 3000 },
          opening_hours: ALWAYS_OPEN,
          avg_prep_s: ps.prepMeanS,
        },
      }),
    );
    const stockFile = plan.products
      .map((p, i) =>
        JSON.stringify({ sku: `${p.sku}-${tag}`, on_hand: plan.stock[ps.index]?.[i] ?? 0 }),
      )
      .join('\n');
    const stocked = await must<{ failed: number }>(
      `stock of ${ps.name}`,
      api.call('POST', `/v1/stores/${created.id}/stock/import`, {
        token,
        raw: stockFile,
        contentType: 'application/x-ndjson',
      }),
    );
    if (stocked.failed > 0)
      throw new Error(`stock import refused ${stocked.failed} rows: ${JSON.stringify(stocked)}`);
    const email = `staff-${ps.index}-${tag}@sim.lastmile.dev`;
    await must(
      `staff of ${ps.name}`,
      api.call('POST', `/v1/stores/${created.id}/staff`, {
        token,
        body: { email, name: `Staff ${ps.index}`, password: SIM_PASSWORD },
      }),
    );
    return {
      index: ps.index,
      id: created.id,
      token: await signIn(api, email, SIM_PASSWORD),
      at: ps.at,
      prepMeanS: ps.prepMeanS,
    } satisfies SimStore;
  });
  log(`${stores.length} stores with ${plan.products.length} products each`);

  // Product ids by SKU, from the first store's shelf (every store carries the whole catalog).
  const bySku = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ id: string; sku: string }>; next_cursor: string | null } =
      await must(
        'products',
        api.call(
          'GET',
          `/v1/stores/${stores[0]?.id}/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token },
        ),
      );
    for (const p of page.items) bySku.set(p.sku, p.id);
    cursor = page.next_cursor;
  } while (cursor);
  const productIds = plan.products.map((p) => {
    const id = bySku.get(`${p.sku}-${tag}`);
    if (!id) throw new Error(`product ${p.sku} is not on the shelf after the import`);
    return id;
  });

  const driverTokens = await inPool(plan.drivers, 6, async (d) => {
    const email = `courier-${d.index}-${tag}@sim.lastmile.dev`;
    await must(
      `courier ${d.index}`,
      api.call('POST', '/v1/drivers', {
        token,
        body: { name: `Courier ${d.index}`, email, password: SIM_PASSWORD, vehicle: d.vehicle },
      }),
    );
    return signIn(api, email, SIM_PASSWORD);
  });
  log(`${driverTokens.length} couriers onboarded`);

  const customers = Math.min(
    plan.visits.length,
    Math.max(...plan.visits.map((v) => v.customer + 1), 1),
  );
  const customerTokens = await inPool(
    Array.from({ length: customers }, (_, i) => i),
    6,
    async (i) => {
      const body = await must<{ access_token: string }>(
        `customer ${i}`,
        api.call('POST', '/v1/auth/signup', {
          body: {
            email: `customer-${i}-${tag}@sim.lastmile.dev`,
            name: `Customer ${i}`,
            password: SIM_PASSWORD,
          },
        }),
      );
      return body.access_token;
    },
  );
  log(`${customerTokens.length} customers signed up`);
  return { stores, productIds, customerTokens, driverTokens };
}
