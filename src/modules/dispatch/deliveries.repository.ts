import type { DeliveryStatus } from './delivery-state.ts';
import type { DeliveryRow, DispatchDb } from './dispatch-tables.ts';

export function deliveriesRepository(q: DispatchDb) {
  return {
    insertDelivery: (d: DeliveryRow) =>
      q.insertInto('deliveries').values(d).returningAll().executeTakeFirstOrThrow(),
    delivery: (id: string) =>
      q.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst(),
    deliveryByOrder: (orderId: string) =>
      q.selectFrom('deliveries').selectAll().where('order_id', '=', orderId).executeTakeFirst(),
    deliveryByOrderForUpdate: (orderId: string) =>
      q
        .selectFrom('deliveries')
        .selectAll()
        .where('order_id', '=', orderId)
        .forUpdate()
        .executeTakeFirst(),
    deliveriesOfTrip: (tripId: string) =>
      q
        .selectFrom('deliveries')
        .selectAll()
        .where('trip_id', '=', tripId)
        .orderBy('promised_at')
        .execute(),

    /** Until the transaction ends, nobody else plans a delivery for this order. */
    async lockOrderForPlanning(orderId: string): Promise<void> {
      await q
        .selectNoFrom((eb) =>
          eb
            .fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val(`delivery:${orderId}`)])])
            .as('locked'),
        )
        .execute();
    },

    updateDelivery(
      id: string,
      set: Partial<Omit<DeliveryRow, 'id' | 'version'>>,
      from: readonly DeliveryStatus[],
      driverId?: string,
    ) {
      let query = q
        .updateTable('deliveries')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('status', 'in', from);
      if (driverId) query = query.where('driver_id', '=', driverId);
      return query.returningAll().executeTakeFirst();
    },
    updateDeliveriesOfTrip(
      tripId: string,
      set: Partial<Omit<DeliveryRow, 'id' | 'version'>>,
      from: readonly DeliveryStatus[],
    ) {
      return q
        .updateTable('deliveries')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('trip_id', '=', tripId)
        .where('status', 'in', from)
        .returningAll()
        .execute();
    },
    async markOrderReady(id: string): Promise<void> {
      await q.updateTable('deliveries').set({ order_ready: true }).where('id', '=', id).execute();
    },
    /** Stores the customer's rating unless the delivery has one: undefined when it had. */
    rateOnce: (id: string, stars: number) =>
      q
        .updateTable('deliveries')
        .set({ rating: stars })
        .where('id', '=', id)
        .where('rating', 'is', null)
        .returning('id')
        .executeTakeFirst(),
  };
}
