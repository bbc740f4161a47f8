import { describe, expect, it } from 'vitest';
import { dispatchFixture, KM } from '../../../test/support/dispatch-fixture.ts';
import { openShop } from '../../../test/support/shop.ts';

// The scored dispatcher matches the trips that fall due together (and within its look-ahead
// window) with the free drivers at the least total score, instead of one trip after the other.
describe('dispatch: matching over a window', () => {
  const { t, driversNear, acceptedOrder, trip, offersOf, openOffer, tick, advance, now } =
    dispatchFixture({
      LASTMILE_DISPATCH_RADII_M: '1800,6000',
      LASTMILE_DISPATCH_MATCH_WINDOW_S: '10',
    });
  /** Two stores 2 km apart, away from every other test's stores. */
  const twoShops = async (lat: number) => [
    await openShop(t(), { stock: [50, 50, 50], lat, lng: 20 }),
    await openShop(t(), { stock: [50, 50, 50], lat: lat + 2 * KM, lng: 20 }),
  ];
  /** Moves the clock until every given trip is due, without a dispatcher pass. */
  async function untilDue(...tripIds: string[]) {
    const at = Math.max(
      ...(await Promise.all(tripIds.map(async (id) => trip(id)))).map(
        (tr) => tr?.dispatch_at.getTime() ?? 0,
      ),
    );
    if (at > now()) await advance(at - now() + 1000);
  }

  it('gives the contested driver to the trip that has nobody else, and the other trip its second best', async () => {
    const [a, b] = await twoShops(30);
    if (!a || !b) throw new Error('no shops');
    // X is 400 m north of A (1.6 km south of B), Y 600 m south of A (2.6 km from B: outside B's
    // first radius). One trip at a time, A takes X and B must widen its search to reach Y.
    const [x, y] = await driversNear(a.at, [0.4, -0.6]);
    const first = await acceptedOrder(a);
    const second = await acceptedOrder(b);
    await untilDue(first.tripId, second.tripId);
    await tick();
    expect((await openOffer(first.tripId)).driver_id).toBe(y.id);
    expect((await openOffer(second.tripId)).driver_id).toBe(x.id);
    // Both offers went out in the first round, nobody's search widened.
    for (const id of [first.tripId, second.tripId]) {
      expect((await trip(id))?.round).toBe(0);
      expect(await offersOf(id)).toHaveLength(1);
    }
  });

  it('offers a trip due within the window now, and leaves one due later for its time', async () => {
    const [a, b] = await twoShops(31);
    if (!a || !b) throw new Error('no shops');
    // Couriers a little way from A and right by B: A's trip starts offering sooner than B's.
    await driversNear(a.at, [-0.7, -0.8]);
    await driversNear(b.at, [0.1, 0.2]);
    const soon = await acceptedOrder(a);
    const later = await acceptedOrder(b);
    const dueOf = async (id: string) => (await trip(id))?.dispatch_at.getTime() ?? 0;
    const [soonDue, laterDue] = [await dueOf(soon.tripId), await dueOf(later.tripId)];
    expect(laterDue - soonDue).toBeGreaterThan(60_000);
    // Five seconds before A's trip falls due: inside the 10 s window.
    if (soonDue - 5000 > now()) await advance(soonDue - 5000 - now());
    await tick();
    expect((await offersOf(soon.tripId)).map((o) => o.status)).toEqual(['open']);
    expect(await offersOf(later.tripId)).toEqual([]);
  });
});
