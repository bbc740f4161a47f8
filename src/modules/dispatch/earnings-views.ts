import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { timeIdCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import { ownDriverId } from '../drivers/index.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { deliveryViews } from './delivery-views.ts';
import type { EarningRow } from './dispatch-tables.ts';

const EARNINGS_CURSOR = timeIdCursor('driver-earnings');
const DAY_MS = 86_400_000;
/** The widest range one request may sum. */
export const MAX_EARNING_DAYS = 93;

const dayOf = (t: Date) => t.toISOString().slice(0, 10);

function parseDay(value: string, field: string): Date {
  const t = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(t.getTime()) || dayOf(t) !== value)
    throw new AppError('VALIDATION_FAILED', `${field}: ${value} is not a day`, {
      details: { errors: [{ path: `querystring.${field}`, message: 'not a day (YYYY-MM-DD)' }] },
    });
  return t;
}

export const earningView = (e: EarningRow) => ({
  delivery_id: e.delivery_id,
  order_id: e.order_id,
  trip_id: e.trip_id,
  outcome: e.outcome,
  currency: e.currency,
  base_minor: e.base_minor,
  distance_m: e.distance_m,
  distance_minor: e.distance_minor,
  waiting_s: e.waiting_s,
  waiting_minor: e.waiting_minor,
  total_minor: e.total_minor,
  earned_at: e.earned_at.toISOString(),
});

export interface EarningsQuery {
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** A driver's earnings over whole UTC days (`to` included; both default to today). */
export async function driverEarnings(env: DeliveriesEnv, driverId: string, q: EarningsQuery) {
  const today = dayOf(env.now());
  const from = parseDay(q.from ?? q.to ?? today, 'from');
  const last = parseDay(q.to ?? q.from ?? today, 'to');
  if (last < from) throw new AppError('VALIDATION_FAILED', 'to: must not be before from');
  const to = new Date(last.getTime() + DAY_MS);
  if (to.getTime() - from.getTime() > MAX_EARNING_DAYS * DAY_MS)
    throw new AppError('VALIDATION_FAILED', `to: at most ${MAX_EARNING_DAYS} days at once`);
  const range = { from, to };
  const after = q.cursor ? EARNINGS_CURSOR.decode(q.cursor) : null;
  const [days, rows] = await Promise.all([
    env.repo.dailyTotals(driverId, range),
    env.repo.earningsPage(driverId, range, after, q.limit + 1),
  ]);
  return {
    driver_id: driverId,
    from: dayOf(from),
    to: dayOf(last),
    days: days.map((d) => ({
      day: d.day,
      currency: d.currency,
      deliveries: Number(d.deliveries),
      total_minor: Number(d.total_minor),
      waiting_minor: Number(d.waiting_minor),
    })),
    ...pageFrom(rows, q.limit, earningView, (r) =>
      EARNINGS_CURSOR.encode(r.earned_at, r.delivery_id),
    ),
  };
}

/** Ops reading a driver's earnings: an unknown driver is 404. */
export async function earningsOfDriver(env: DeliveriesEnv, driverId: string, q: EarningsQuery) {
  await env.drivers.service.get(driverId);
  return driverEarnings(env, driverId, q);
}

/** The caller's own earnings. */
export const myEarnings = (env: DeliveriesEnv, by: Principal, q: EarningsQuery) =>
  driverEarnings(env, ownDriverId(by), q);

/** The deliveries the driver held whose status last changed on `day` (UTC, default today). */
export async function myDeliveries(env: DeliveriesEnv, by: Principal, day?: string) {
  const driverId = ownDriverId(by);
  const from = parseDay(day ?? dayOf(env.now()), 'day');
  const rows = await env.repo.deliveriesOfDriver(driverId, {
    from,
    to: new Date(from.getTime() + DAY_MS),
  });
  const [views, earnings] = await Promise.all([
    deliveryViews(env.repo, rows, by),
    env.repo.earningsOf(rows.map((r) => r.id)),
  ]);
  const earned = new Map(earnings.map((e) => [e.delivery_id, earningView(e)]));
  return {
    day: dayOf(from),
    items: views.map((delivery) => ({ delivery, earning: earned.get(delivery.id) ?? null })),
  };
}
