import { createLastmileClient, openTrackingSocket, unwrap } from '../index.ts';

// The README's "place an order with the SDK", as code the type checker and a test run.
// The checkout's answer is typed by the annotation on `unwrap` until the route declares it.

/** Signs in, picks the nearest store and its first product, pays with a test card, follows the order. */
export async function placeOrder(baseUrl: string, email: string, password: string) {
  const api = createLastmileClient({ baseUrl });
  const session = await unwrap(api.POST('/v1/auth/token', { body: { email, password } }));
  api.setToken(session.access_token);

  const home = { lat: 52.5163, lng: 13.3777 };
  const stores = await unwrap(api.GET('/v1/stores/nearby', { params: { query: home } }));
  const [store] = stores.items;
  if (!store) throw new Error('no store delivers here');
  const shelf = await unwrap(
    api.GET('/v1/stores/{id}/products', { params: { path: { id: store.id } } }),
  );
  const [first] = shelf.items;
  if (!first) throw new Error(`${store.name} sells nothing`);

  const order = await unwrap<{ id: string; status: string }>(
    api.POST('/v1/orders', {
      body: {
        store_id: store.id,
        lines: [{ product_id: first.product.id, quantity: 1 }],
        delivery: { ...home, address: 'Pariser Platz 1' },
        payment: { card_token: 'tok_visa' },
      },
    }),
  );

  const tracking = openTrackingSocket({
    baseUrl,
    orderId: order.id,
    auth: { token: session.access_token },
  });
  tracking.on('message', (m) => {
    if (m.type === 'status') console.log(`order ${order.id}: ${m.status}`);
    if (m.type === 'position') console.log(`driver at ${m.lat}, ${m.lng}`);
  });
  return { order, tracking };
}
