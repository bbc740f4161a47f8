import type { Insertable } from 'kysely';
import type { DeliveryStepsTable, DispatchDb } from './dispatch-tables.ts';

/** Where and when each step of a delivery happened, and who took it. */
export function deliveryStepsRepository(q: DispatchDb) {
  return {
    async addSteps(steps: ReadonlyArray<Insertable<DeliveryStepsTable>>) {
      if (steps.length > 0)
        await q
          .insertInto('delivery_steps')
          .values([...steps])
          .execute();
    },
    /** The steps of these deliveries, each delivery's in the order they happened. */
    async stepsOf(deliveryIds: readonly string[]) {
      if (deliveryIds.length === 0) return [];
      return q
        .selectFrom('delivery_steps')
        .selectAll()
        .where('delivery_id', 'in', deliveryIds)
        .orderBy('delivery_id')
        .orderBy('id')
        .execute();
    },
  };
}
