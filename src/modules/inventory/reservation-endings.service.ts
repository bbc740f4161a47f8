import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import {
  dueReservations,
  type FinishTo,
  finishReservation,
  heldReservationOf,
  type ReservationLine,
} from './reservations.repository.ts';
import type { StoresChanged } from './stock-levels.service.ts';

/**
 * Ends held reservations: confirm takes the picked units out of the store, release and expiry give
 * everything back. Each end is one guarded move, so a repeat finds it ended and changes nothing.
 */
export function reservationEndingsService(deps: { db: Db; clock: Clock; changed: StoresChanged }) {
  const { db, clock, changed } = deps;
  /** Ends a reservation; the store is signalled here when it ran in its own statement (committed). */
  const finish = async (trx: Db, id: string, to: FinishTo, picked?: readonly ReservationLine[]) => {
    const storeId = await finishReservation(trx, id, to, new Date(clock.now()), picked);
    if (trx === db) changed(storeId);
    return storeId !== null;
  };

  return {
    /** Takes the picked units out of the store (the rest go back); a repeat is a no-op. */
    confirm: (reservationId: string, picked?: readonly ReservationLine[], trx: Db = db) =>
      finish(trx, reservationId, 'confirmed', picked),

    release: (reservationId: string, trx: Db = db) => finish(trx, reservationId, 'released'),

    async releaseHoldOf(owner: string) {
      const storeId = await db.transaction().execute(async (trx) => {
        const held = await heldReservationOf(trx, owner);
        return held ? finishReservation(trx, held.id, 'released', new Date(clock.now())) : null;
      });
      changed(storeId);
      return storeId !== null;
    },

    /** Expires held reservations past their time; each exactly once, whoever sweeps. */
    async expireDue(limit = 200): Promise<number> {
      const now = new Date(clock.now());
      const stores = await db.transaction().execute(async (trx) => {
        const moved: string[] = [];
        for (const id of await dueReservations(trx, now, limit)) {
          const storeId = await finishReservation(trx, id, 'expired' satisfies FinishTo, now);
          if (storeId !== null) moved.push(storeId);
        }
        return moved;
      });
      changed(stores);
      return stores.length;
    },
  };
}
