import { rngFor } from '../src/cli/seed-random.ts';
import type { Body } from './api-types.ts';
import type { SimClient } from './client.ts';
import { CourierPhone } from './courier-phone.ts';
import { CourierApp, FALLBACK_POLL_S, type Offer } from './courier-app.ts';
import { metres, type PlannedDriver } from './plan.ts';
import {
  bump,
  type DriverLog,
  codeOf,
  LOCATION_EVERY_S,
  note,
  persist,
  type SimState,
  sleep,
} from './state.ts';

type TripView = Body<'/v1/dispatch/trips/current', 'get'>;
type Step = 'arrived-at-store' | 'picked-up' | 'arrived-at-dropoff' | 'delivered';
/** What a handover is proven with: the customer's PIN or a photo (none for the other steps). */
type Proof = { pin: string } | { photo_ref: string } | Record<string, never>;

class Courier {
  readonly log: DriverLog;
  private readonly rng;
  private readonly phone: CourierPhone;
  private readonly api: SimClient;
  private attempts = 0;
  /** Since when the courier has been without a trip. */
  private freeSince = Date.now();
  private readonly app: CourierApp;

  constructor(
    private readonly s: SimState,
    readonly plan: PlannedDriver,
    readonly token: string,
  ) {
    this.rng = rngFor(`sim:${s.cfg.seed}:driver:${plan.index}`);
    this.api = s.api.as(token);
    this.phone = new CourierPhone(s, plan, token, this.rng);
    this.app = new CourierApp(this.api, this.phone);
    this.log = {
      index: plan.index,
      vehicle: plan.vehicle,
      busyS: 0,
      shiftS: 0,
      trips: 0,
      offers: 0,
      accepted: 0,
      declined: 0,
      lostRaces: 0,
      deliveries: 0,
    };
  }

  /**
   * One attempt at a delivery step. The Idempotency-Key covers this attempt's retries after a
   * lost answer; a later attempt (the bag was not ready yet) is a new request with a new key,
   * since the first answer, a 409, is stored for its key.
   */
  private async step(deliveryId: string, step: Step, proof: Proof = {}) {
    // A step is taken where the phone last reported from (the geofence): an upload that was shed
    // leaves the server without a fresh position, so the phone reports again and retries.
    for (let tries = 1; ; tries++) {
      const key = `${step}-${deliveryId}-${++this.attempts}`;
      const res = await persist(this.s, () =>
        this.api.POST(`/v1/deliveries/{id}/${step}`, {
          params: { path: { id: deliveryId }, header: { 'idempotency-key': key } },
          body: { lat: this.phone.at.lat, lng: this.phone.at.lng, ...proof },
        }),
      );
      const code = res ? codeOf(res) : null;
      if (tries >= 3 || (code !== 'LOCATION_UNKNOWN' && code !== 'TOO_FAR_FROM_STOP')) return res;
      await sleep(LOCATION_EVERY_S * 1000);
      await this.phone.tick();
    }
  }

  /** The job this courier is on; none answers 204. */
  private async currentTrip(): Promise<TripView | null> {
    const res = await persist(this.s, () => this.api.GET('/v1/dispatch/trips/current'));
    return res?.response.status === 200 ? (res.data ?? null) : null;
  }

  async run(): Promise<void> {
    const s = this.s;
    await sleep(this.plan.onShiftAfterS * 1000);
    if (s.stopping) return;
    const shiftFrom = Date.now();
    this.freeSince = shiftFrom;
    const channel = this.app.listen(s, this.token, this.plan.index);
    await persist(s, () => this.api.PUT('/v1/drivers/me/shift', { body: { status: 'available' } }));
    await this.phone.tick();
    this.app.reported();
    // A courier may already hold a job (a rerun against the same instance); afterwards only an
    // accepted offer gives one.
    let lookForTrip = true;
    while (!s.stopping) {
      try {
        if (lookForTrip) {
          lookForTrip = false;
          const trip = await this.currentTrip();
          if (trip) {
            await this.work(trip);
            lookForTrip = true;
            continue;
          }
        }
        const offer = await this.app.nextOffer();
        if (offer) {
          if (await this.answer(offer)) lookForTrip = true;
          continue;
        }
      } catch (err) {
        note(s, `driver ${this.plan.index}`, err);
      }
      await this.app.idle();
    }
    channel.close();
    this.log.shiftS = (Date.now() - shiftFrom) / 1000;
    await persist(
      s,
      () => this.api.PUT('/v1/drivers/me/shift', { body: { status: 'offline' } }),
      2,
    );
  }

  /** Thinks it over, then declines or accepts as the plan says; true when the job is ours. */
  private async answer(offer: Offer): Promise<boolean> {
    const s = this.s;
    this.log.offers++;
    bump(s.offersPerTrip, offer.trip_id);
    const [lo, hi] = this.plan.answerAfterS;
    await sleep((lo + this.rng() * (hi - lo)) * 1000);
    if (this.rng() < this.plan.declineShare) {
      this.log.declined++;
      await persist(s, () =>
        this.api.POST('/v1/dispatch/offers/{id}/decline', {
          params: { path: { id: offer.id }, header: { 'idempotency-key': `decline-${offer.id}` } },
          body: { reason: 'too far' },
        }),
      );
      return false;
    }
    const res = await persist(s, () =>
      this.api.POST('/v1/dispatch/offers/{id}/accept', {
        params: { path: { id: offer.id }, header: { 'idempotency-key': `accept-${offer.id}` } },
      }),
    );
    const won = res?.response.status === 200;
    if (won) this.log.accepted++;
    else this.log.lostRaces++;
    return won;
  }

  /** One trip: to the store, wait for the bags, each door in turn. */
  private async work(first: TripView): Promise<void> {
    const s = this.s;
    const from = Date.now();
    s.idleGapsS.push((from - this.freeSince) / 1000);
    this.log.trips++;
    s.busyNow++;
    try {
      let trip: TripView | null = first;
      const open = (t: TripView) =>
        t.deliveries.filter(
          (d) => !['delivered', 'failed', 'returned', 'canceled'].includes(d.status),
        );
      if (open(trip).some((d) => d.status === 'assigned')) {
        const tripId = trip.id;
        this.app.lostTrips.clear();
        // A trip taken back on the way (a nearer courier got it) ends the drive there.
        await this.phone.driveTo(trip.pickup, () => this.app.lostTrips.has(tripId));
        if (this.app.lostTrips.has(tripId)) return;
        for (const d of open(trip))
          if (d.status === 'assigned') await this.step(d.id, 'arrived-at-store');
      }
      const arrived = Date.now();
      trip = await this.pickUp();
      if (!trip) return;
      s.storeWaitsS.push((Date.now() - arrived) / 1000);
      for (const d of open(trip)) {
        const order = s.orders.get(d.order_id);
        if (order && d.status === 'picked_up') order.pickedUpAt ??= Date.now();
      }
      // Doors, nearest first.
      for (;;) {
        trip = await this.currentTrip();
        if (!trip) return;
        const here = this.phone.at;
        const next = open(trip)
          .filter((d) => d.status === 'picked_up' || d.status === 'at_dropoff')
          .sort((a, b) => metres(here, a.dropoff) - metres(here, b.dropoff))[0];
        if (!next) return;
        if (next.status === 'picked_up') {
          await this.phone.driveTo(next.dropoff);
          await this.step(next.id, 'arrived-at-dropoff');
        }
        const order = s.orders.get(next.order_id);
        await sleep((order?.visit.handoverS ?? 45) * 1000);
        // The phone reports from the door again: a handover is accepted only from a fresh
        // position near it (the geofence), and the wait at the door can outlast the staleness.
        await this.phone.tick();
        const pin = await this.pinOf(next.order_id);
        const res = await this.step(
          next.id,
          'delivered',
          pin ? { pin } : { photo_ref: `sim/photo/${next.id}.jpg` },
        );
        const status = res?.response.status ?? 0;
        if (status === 200) {
          this.log.deliveries++;
          if (order) order.deliveredAt = Date.now();
        } else if (res && status >= 400) {
          note(
            s,
            `driver ${this.plan.index} delivered`,
            new Error(`${status} ${JSON.stringify(res.error)}`),
          );
          return;
        }
      }
    } finally {
      s.busyNow--;
      this.freeSince = Date.now();
      this.log.busyS += (this.freeSince - from) / 1000;
    }
  }

  /**
   * At the counter until every bag is picked up: a bag is taken once the channel says it is packed
   * (or the trip, read now and then, shows it); the trip as it stands after, null when it ended.
   */
  private async pickUp(): Promise<TripView | null> {
    let readAt = 0;
    for (;;) {
      if (this.app.readyBags.size > 0 || Date.now() >= readAt || !this.app.hearing) {
        this.app.readyBags.clear();
        const trip = await this.currentTrip();
        if (!trip) return null;
        const waiting = trip.deliveries.filter((d) => d.status === 'at_store');
        if (waiting.length === 0) return trip;
        const ready = waiting.filter((d) => d.order_ready);
        for (const d of ready) await this.step(d.id, 'picked-up');
        if (ready.length > 0) continue;
        readAt = Date.now() + FALLBACK_POLL_S * 1000;
      }
      if (this.s.stopping) return null;
      await this.app.idle();
    }
  }

  /** The customer reads the PIN from their app and says it at the door. */
  private async pinOf(orderId: string): Promise<string | null> {
    const order = this.s.orders.get(orderId);
    if (!order) return null;
    const res = await persist(this.s, () =>
      this.s.api.as(order.customerToken).GET('/v1/orders/{id}/delivery', {
        params: { path: { id: orderId } },
      }),
    );
    return res?.data?.pin ?? null;
  }
}

export function startCourier(
  s: SimState,
  plan: PlannedDriver,
  token: string,
): { log: DriverLog; done: Promise<void> } {
  const c = new Courier(s, plan, token);
  return {
    log: c.log,
    done: c.run().catch((err: unknown) => note(s, `driver ${plan.index} crashed`, err)),
  };
}
