import type { Db } from '../../platform/db/pool.ts';
import {
  money,
  type OrderTimelineSource,
  type TimelineEntry,
  timelineSource,
} from '../../platform/timeline/timeline.ts';
import { dispatchLookupRepository } from './dispatch-lookup.repository.ts';
import type { DeliveryRow, EarningRow, OfferRow, OverrideRow, TripRow } from './dispatch-tables.ts';

type StepRow = Awaited<ReturnType<ReturnType<typeof dispatchLookupRepository>['stepsOf']>>[number];

const short = (id: string | null) => (id ? id.slice(-8) : 'nobody');

const entry = (
  at: Date,
  kind: string,
  summary: string,
  data: Record<string, unknown>,
  refs: readonly string[],
): TimelineEntry => ({ at, source: 'dispatch', kind, summary, data, refs });

export function deliveryEntries(d: DeliveryRow): TimelineEntry[] {
  return [
    entry(
      d.created_at,
      'delivery.planned',
      `Delivery planned in trip …${short(d.trip_id)}; ready about ${d.ready_estimate_at.toISOString()}, due by ${d.promised_at.toISOString()}; handover proof ${d.proof}`,
      {
        delivery_id: d.id,
        trip_id: d.trip_id,
        status: d.status,
        driver_id: d.driver_id,
        items: d.items,
        age_restricted: d.age_restricted,
        proof: d.proof,
        ready_estimate_at: d.ready_estimate_at,
        promised_at: d.promised_at,
        pin_failures: d.pin_failures,
        pin_locked_at: d.pin_locked_at,
        rating: d.rating,
        reason: d.reason,
      },
      [d.id, d.trip_id],
    ),
  ];
}

export function tripEntries(t: TripRow): TimelineEntry[] {
  const data = {
    trip_id: t.id,
    status: t.status,
    driver_id: t.driver_id,
    items: t.items,
    dispatch_at: t.dispatch_at,
    round: t.round,
    cycle: t.cycle,
    offers_made: t.offers_made,
    priority: t.priority,
  };
  const out = [
    entry(
      t.created_at,
      'trip.created',
      `Trip …${short(t.id)} made; offering from ${t.dispatch_at.toISOString()}`,
      data,
      [t.id],
    ),
  ];
  if (t.escalated_at)
    out.push(
      entry(
        t.escalated_at,
        'trip.escalated',
        `No driver found after ${t.offers_made} offer(s): escalated to ops`,
        data,
        [t.id],
      ),
    );
  return out;
}

/** An offer: when it was made, and when it was answered (or ran out). */
export function offerEntries(o: OfferRow): TimelineEntry[] {
  const data = {
    offer_id: o.id,
    trip_id: o.trip_id,
    driver_id: o.driver_id,
    status: o.status,
    score: o.score,
    pickup_m: o.pickup_m,
    radius_m: o.radius_m,
    cycle: o.cycle,
    expires_at: o.expires_at,
    responded_at: o.responded_at,
    reason: o.reason,
    pay_total_minor: o.pay?.total_minor ?? null,
    pay_currency: o.pay?.currency ?? null,
  };
  const pay = o.pay ? `, pays ${money(o.pay.total_minor, o.pay.currency)}` : '';
  const out = [
    entry(
      o.created_at,
      'offer.sent',
      `Offered to driver …${short(o.driver_id)} (${o.pickup_m} m from the store${pay}); expires ${o.expires_at.toISOString()}`,
      data,
      [o.trip_id],
    ),
  ];
  if (o.status !== 'open')
    out.push(
      entry(
        o.responded_at ?? o.expires_at,
        `offer.${o.status}`,
        `Driver …${short(o.driver_id)}'s offer ${o.status}${o.reason ? `: ${o.reason}` : ''}`,
        data,
        [o.trip_id],
      ),
    );
  return out;
}

export function stepEntry(s: StepRow, d: DeliveryRow): TimelineEntry {
  return entry(
    s.at,
    `delivery.${s.status}`,
    `Delivery ${s.status.replace('_', ' ')} (driver …${short(s.driver_id)})${s.note ? `: ${s.note}` : ''}`,
    {
      step_id: Number(s.id),
      delivery_id: d.id,
      status: s.status,
      driver_id: s.driver_id,
      lat: s.lat,
      lng: s.lng,
      note: s.note,
    },
    [d.id],
  );
}

export function overrideEntry(o: OverrideRow): TimelineEntry {
  return entry(
    o.at,
    `override.${o.kind}`,
    `Ops ${o.kind === 'pin_unlocked' ? 'unlocked the handover PIN' : `waived the geofence for ${o.step}`}: ${o.reason}`,
    {
      override_id: Number(o.id),
      delivery_id: o.delivery_id,
      kind: o.kind,
      step: o.step,
      by_user: o.by_user,
      reason: o.reason,
      used_at: o.used_at,
    },
    [o.delivery_id],
  );
}

export function earningEntry(e: EarningRow): TimelineEntry {
  return entry(
    e.earned_at,
    'driver.earned',
    `Driver …${short(e.driver_id)} earned ${money(e.total_minor, e.currency)} (${e.outcome})`,
    {
      driver_id: e.driver_id,
      outcome: e.outcome,
      total_minor: e.total_minor,
      base_minor: e.base_minor,
      distance_m: e.distance_m,
      distance_minor: e.distance_minor,
      waiting_s: e.waiting_s,
      waiting_minor: e.waiting_minor,
      currency: e.currency,
    },
    [e.trip_id],
  );
}

/**
 * Dispatch's part of an order's timeline: its delivery and trip, every offer made for the trip
 * (sent, accepted, declined, expired, withdrawn), the driver's steps, ops' overrides and what the
 * driver earned. Entries name the trip and the delivery (refs), whose own events and
 * notifications the related sources find.
 */
export function dispatchTimeline(db: Db): OrderTimelineSource {
  const repo = dispatchLookupRepository(db);
  return timelineSource('dispatch', async (q) => {
    const d = await repo.deliveryOfOrder(q.orderId);
    if (!d) return [];
    const [trip, offers, steps, overrides, earning] = await Promise.all([
      repo.trip(d.trip_id),
      repo.offersOfTrip(d.trip_id, q.limit + 1),
      repo.stepsOf(d.id, q.limit + 1),
      repo.overridesOf(d.id, q.limit + 1),
      repo.earningOf(d.id),
    ]);
    return [
      ...deliveryEntries(d),
      ...(trip ? tripEntries(trip) : []),
      ...offers.flatMap(offerEntries),
      ...steps.map((s) => stepEntry(s, d)),
      ...overrides.map(overrideEntry),
      ...(earning ? [earningEntry(earning)] : []),
    ];
  });
}
