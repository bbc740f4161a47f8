import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { DriversModule } from '../drivers/index.ts';
import { type Eta, type EtaService, type LatLng, worthPushing } from '../eta/index.ts';
import { appendMessage, type TrackingMessage } from './tracking-log.ts';
import { trackingStatus } from './tracking-socket.messages.ts';
import { phaseOf } from './tracking-state.ts';
import { type TrackingRow, trackingRepository } from './tracking.repository.ts';

export const etaView = (e: { at: number; from: number; to: number }) => ({
  at: new Date(e.at).toISOString(),
  from: new Date(e.from).toISOString(),
  to: new Date(e.to).toISOString(),
});

/** Whether the row is still in the state `seen` was read in (its status and both sources). */
const sameState = (row: TrackingRow, seen: TrackingRow) =>
  row.status === seen.status &&
  row.order_version === seen.order_version &&
  row.delivery_version === seen.delivery_version;

/** Estimates of the orders tracking follows, and the ETA messages of their logs. */
export function trackingEta(deps: {
  db: Db;
  clock: Clock;
  eta: EtaService;
  drivers: DriversModule;
  dropoffsBefore: (orderId: string) => Promise<LatLng[]>;
  etaThresholdS: number;
}) {
  const { db, clock } = deps;
  const repo = trackingRepository(db);

  async function driverPosition(driverId: string | null) {
    if (!driverId) return null;
    return deps.drivers.positions.get(driverId).catch(() => null);
  }

  /**
   * The order's estimate: with its driver's last position and the doors its trip stops at first
   * (a batched order waits for the other's handover), both read outside any transaction; the
   * doors are read here unless the caller read them already (`doors`, for many orders at once).
   */
  async function estimate(row: TrackingRow, doors?: readonly LatLng[]): Promise<Eta> {
    const done = phaseOf(row.status) === 'done';
    const [pos, stopsBefore] = await Promise.all([
      driverPosition(row.driver_id),
      done ? [] : (doors ?? deps.dropoffsBefore(row.order_id)),
    ]);
    return deps.eta.estimate({
      phase: phaseOf(row.status),
      storeId: row.store_id,
      store: { lat: row.store_lat, lng: row.store_lng },
      dropoff: { lat: row.dropoff_lat, lng: row.dropoff_lng },
      readyAt: row.ready_at?.getTime() ?? null,
      acceptedAt: row.accepted_at?.getTime() ?? null,
      driver: pos ? { lat: pos.lat, lng: pos.lng, vehicle: row.vehicle ?? 'fleet' } : null,
      defaultPrepS: row.default_prep_s,
      backlog: row.placed_backlog,
      stopsBefore,
    });
  }

  /**
   * Recomputes the ETA (outside any transaction: it may read the index and learned statistics) and
   * logs it when it moved more than the threshold since the last one pushed. An estimate made for
   * a state the row has left meanwhile is dropped, never logged after the newer status: whoever
   * moved the row pushes an estimate of its own after committing. `doors`: the ones its trip stops
   * at first, when the caller read them already.
   */
  async function pushEta(orderId: string, doors?: readonly LatLng[]): Promise<TrackingMessage[]> {
    const row = await repo.find(orderId);
    if (!row?.active) return [];
    const eta = await estimate(row, doors);
    return db.transaction().execute(async (trx) => {
      const locked = await trackingRepository(trx).lock(orderId);
      if (
        !locked?.active ||
        !sameState(locked, row) ||
        !worthPushing(locked.eta_at?.getTime() ?? null, eta.at, deps.etaThresholdS)
      )
        return [];
      await trackingRepository(trx).update(orderId, {
        eta_at: new Date(eta.at),
        eta_from: new Date(eta.from),
        eta_to: new Date(eta.to),
      });
      const parts = {
        prep_s: eta.prep_s,
        to_store_s: eta.to_store_s,
        to_customer_s: eta.to_customer_s,
      };
      return [
        await appendMessage(
          trx,
          orderId,
          // The status it was made for: the one of the last status message before it.
          { type: 'eta', status: trackingStatus(locked.status), eta: etaView(eta), parts },
          new Date(clock.now()),
        ),
      ];
    });
  }

  return { driverPosition, estimate, pushEta };
}
