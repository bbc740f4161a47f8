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
    steps: (deliveryId: string) =>
      q
        .selectFrom('delivery_steps')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('id')
        .execute(),
  };
}
