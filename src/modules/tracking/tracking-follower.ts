import { setTimeout as sleep } from 'node:timers/promises';
import { onceWithInbox } from '../../platform/bus/inbox.ts';
import type { Delivery } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { DriversModule } from '../drivers/index.ts';
import type { EtaService, TimelineSample } from '../eta/index.ts';
import type { OrdersService } from '../orders/index.ts';
import { orderFacts } from './order-facts.ts';
import { appendMessage, type TrackingMessage } from './tracking-log.ts';
import { type FollowedEvent, isDeliveryEvent, skipsVersion, transition } from './tracking-state.ts';
import { type OrderFacts, trackingRepository } from './tracking.repository.ts';

/** How long an event that skips a version of its source waits for the missing one, polling. */
const GAP_WAIT_MS = 250;
const GAP_POLL_MS = 25;

/** Turns order and delivery events into the orders' tracking rows and status messages. */
export function trackingFollower(deps: {
  db: Db;
  clock: Clock;
  /** The inbox consumer name the status messages are recorded under. */
  consumer: string;
  eta: EtaService;
  orders: OrdersService;
  catalog: CatalogServices;
  drivers: DriversModule;
  pushEta: (orderId: string) => Promise<TrackingMessage[]>;
}) {
  const { db, clock } = deps;

  /** In the inbox transaction: the row moved by the event, and its status message if any. */
  async function apply(
    trx: Db,
    event: FollowedEvent,
    facts: OrderFacts | null,
    vehicle: string | null,
  ): Promise<{ messages: TrackingMessage[]; sample: TimelineSample | null }> {
    const orderId = event.payload.order_id;
    const repo = trackingRepository(trx);
    const row = await repo.lockOrInsert(orderId, facts, new Date(clock.now()));
    if (!row) return { messages: [], sample: null };
    const t = transition(row, event, vehicle);
    // A stale or repeated event may change nothing at all.
    if (Object.keys(t.change).length > 0) await repo.update(orderId, t.change);
    const messages = t.message
      ? [await appendMessage(trx, orderId, t.message, new Date(clock.now()))]
      : [];
    return { messages, sample: t.sample };
  }

  /**
   * The order's tracking row once the event finds no gap before it: an event that skips a change
   * of its source (handled out of order, its predecessor still in another handler) waits briefly
   * for it on its first delivery, so the stream shows every step; after that it is applied anyway.
   * No connection is held meanwhile.
   */
  async function waitForGap(orderId: string, event: FollowedEvent, delivery: Delivery) {
    const deadline = Date.now() + GAP_WAIT_MS;
    for (;;) {
      const row = await trackingRepository(db).find(orderId);
      if (!row || delivery.attempt > 1 || !skipsVersion(row, event) || Date.now() >= deadline)
        return row;
      await sleep(GAP_POLL_MS);
    }
  }

  /**
   * Applies one order or delivery event: the status message commits with the consumer's inbox row
   * (a redelivery finds it and changes nothing). Everything read from other modules is read
   * before the transaction, so a handler never waits for a second connection while holding one.
   * What the ETA learns from the order's way and the new estimate follow in their own steps,
   * after the commit: each part of the way is learned once, not per attempt.
   */
  async function follow(event: FollowedEvent, delivery: Delivery): Promise<TrackingMessage[]> {
    const orderId = event.payload.order_id;
    const known = await waitForGap(orderId, event, delivery);
    const facts = known ? null : await orderFacts(deps, orderId);
    // The vehicle of a driver the row does not name yet (an assignment, or a later step that
    // overtook it): the ETA needs it if the event turns out to be the newest.
    const driverId = isDeliveryEvent(event) ? event.payload.driver_id : null;
    const vehicle =
      driverId && (event.payload.status === 'assigned' || driverId !== known?.driver_id)
        ? ((await deps.drivers.service.find(driverId))?.vehicle ?? null)
        : null;
    // Stays null when the inbox already holds the event.
    let applied = null as Awaited<ReturnType<typeof apply>> | null;
    await onceWithInbox(db, deps.consumer, async (trx) => {
      applied = await apply(trx, event, facts, vehicle);
    })(event, delivery);
    if (!applied) return [];
    const { messages, sample } = applied;
    if (sample) await deps.eta.learn(sample);
    return [...messages, ...(await deps.pushEta(orderId))];
  }

  return { follow };
}
