import type { Body } from './api-types.ts';
import type { SimClient } from './client.ts';
import type { CourierPhone } from './courier-phone.ts';
import { courierChannel, Wake } from './listen.ts';
import { LOCATION_EVERY_S, type SimState } from './state.ts';

export type Offer = Body<'/v1/dispatch/offers', 'get'>['items'][number];

/**
 * The app hears offers and packed bags on its channel; it reads them over HTTP only this often
 * besides while the channel is open, at every report of the phone while it is down, and once after
 * it reconnects (pushes are not replayed).
 */
export const FALLBACK_POLL_S = 60;

/**
 * What a courier's app keeps from its channel: the newest offer pushed, the bags said to be packed,
 * and a bell that wakes the courier when either comes. The phone reports every few seconds while
 * the courier waits.
 */
export class CourierApp {
  private readonly wake = new Wake();
  /** The newest offer the channel pushed, not yet answered. */
  private pushedOffer: Offer | null = null;
  /** Deliveries whose bag the channel said is packed, since the trip was last read. */
  readonly readyBags = new Set<string>();
  /** Trips taken from the courier (re-planned, or by ops) or canceled, as the channel said. */
  readonly lostTrips = new Set<string>();
  /** When to read the offers over HTTP next (0: now, after a reconnect). */
  private pollAt = 0;
  private lastTick = Date.now();
  /** Whether the channel is connected now (else the courier reads over HTTP at every report). */
  hearing = false;

  constructor(
    private readonly api: SimClient,
    private readonly phone: CourierPhone,
  ) {}

  /** Opens the channel: an offer, a packed bag or a trip taken away wakes the courier at once. */
  listen(s: SimState, token: string, index: number) {
    const channel = courierChannel(s, token, index);
    channel.on('message', (m) => {
      if (m.type === 'offer') this.pushedOffer = m.offer;
      else if (m.type === 'offer_expired' && this.pushedOffer?.id === m.offer_id)
        this.pushedOffer = null;
      else if (m.type === 'order_ready') this.readyBags.add(m.delivery_id);
      else if (m.type === 'trip_unassigned') this.lostTrips.add(m.trip_id);
      else if (m.type !== 'trip_canceled') return;
      this.wake.ring();
    });
    // What was pushed while the channel was down is read over HTTP.
    channel.on('open', ({ reconnected }) => {
      this.hearing = true;
      if (!reconnected) return;
      this.pollAt = 0;
      this.wake.ring();
    });
    channel.on('close', () => {
      this.hearing = false;
    });
    return channel;
  }

  /** The phone reported just now (on shift, after a drive). */
  reported(): void {
    this.lastTick = Date.now();
  }

  /** Until the phone's next report or a push; the phone reports every few seconds meanwhile. */
  async idle(): Promise<void> {
    await this.wake.wait(this.lastTick + LOCATION_EVERY_S * 1000 - Date.now());
    if (Date.now() - this.lastTick < LOCATION_EVERY_S * 1000) return;
    this.lastTick = Date.now();
    await this.phone.tick();
  }

  /** The offer to answer: the one pushed, or, now and then, the one the API lists. */
  async nextOffer(): Promise<Offer | undefined> {
    const pushed = this.pushedOffer;
    this.pushedOffer = null;
    if (pushed && Date.parse(pushed.expires_at) > Date.now()) return pushed;
    if (this.hearing && Date.now() < this.pollAt) return undefined;
    this.pollAt = Date.now() + FALLBACK_POLL_S * 1000;
    const offers = await this.api.GET('/v1/dispatch/offers');
    return offers.response.status === 200 ? offers.data?.items[0] : undefined;
  }
}
