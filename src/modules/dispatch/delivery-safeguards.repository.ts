import { type Insertable, sql } from 'kysely';
import type { StopStep } from './delivery-state.ts';
import type { DeliveryOverridesTable, DispatchDb } from './dispatch-tables.ts';

/** Wrong handover PINs, the handover's lock, and ops' audited overrides (delivery_overrides). */
export function deliverySafeguardsRepository(q: DispatchDb) {
  /** The ids of ops' geofence waivers of this step not used yet. */
  const unusedWaivers = (deliveryId: string, step: StopStep) =>
    q
      .selectFrom('delivery_overrides')
      .select('id')
      .where('delivery_id', '=', deliveryId)
      .where('kind', '=', 'geofence_waived')
      .where('step', '=', step)
      .where('used_at', 'is', null);

  return {
    /**
     * Counts a wrong PIN of a handover not locked yet, locking it at `t` when this was the
     * `max`-th. Undefined when it was already locked.
     */
    recordPinFailure: (id: string, max: number, t: Date) =>
      q
        .updateTable('deliveries')
        .set((eb) => ({
          pin_failures: eb('pin_failures', '+', 1),
          pin_locked_at: sql<Date | null>`CASE WHEN pin_failures + 1 >= ${max}::int THEN ${t}::timestamptz END`,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('pin_locked_at', 'is', null)
        .returningAll()
        .executeTakeFirst(),
    /** Unlocks a locked handover with a fresh count; undefined when it was not locked. */
    unlockPin: (id: string) =>
      q
        .updateTable('deliveries')
        .set((eb) => ({ pin_failures: 0, pin_locked_at: null, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('pin_locked_at', 'is not', null)
        .returningAll()
        .executeTakeFirst(),

    addOverride: (o: Insertable<DeliveryOverridesTable>) =>
      q.insertInto('delivery_overrides').values(o).returningAll().executeTakeFirstOrThrow(),
    /** The overrides of these deliveries, each delivery's in the order they were made. */
    async overridesOf(deliveryIds: readonly string[]) {
      if (deliveryIds.length === 0) return [];
      return q
        .selectFrom('delivery_overrides')
        .selectAll()
        .where('delivery_id', 'in', deliveryIds)
        .orderBy('delivery_id')
        .orderBy('id')
        .execute();
    },
    /** Marks the oldest unused geofence waiver of this step used; undefined when there is none. */
    useGeofenceWaiver: (deliveryId: string, step: StopStep, t: Date) =>
      q
        .updateTable('delivery_overrides')
        .set({ used_at: t })
        .where('id', '=', unusedWaivers(deliveryId, step).orderBy('id').limit(1))
        .where('used_at', 'is', null)
        .returning('id')
        .executeTakeFirst(),
    /** Whether ops waived the geofence of this step and the waiver is still unused. */
    hasGeofenceWaiver: async (deliveryId: string, step: StopStep) =>
      (await unusedWaivers(deliveryId, step).executeTakeFirst()) !== undefined,
  };
}
