import type { Db } from '../../platform/db/pool.ts';
import { deliveriesRepository } from './deliveries.repository.ts';
import { deliverySafeguardsRepository } from './delivery-safeguards.repository.ts';
import { deliveryStepsRepository } from './delivery-steps.repository.ts';
import { dispatchDb } from './dispatch-tables.ts';
import { earningsRepository } from './earnings.repository.ts';
import { offersRepository } from './offers.repository.ts';
import { tripQueueRepository } from './trip-queue.repository.ts';
import { tripsRepository } from './trips.repository.ts';

/**
 * Every statement on dispatch's tables, over `db` or a transaction: trips (and their queue), their
 * deliveries with their steps, and the offers made for them. One handle, since most changes move
 * several of them in one transaction.
 */
export function dispatchRepository(db: Db) {
  const q = dispatchDb(db);
  return {
    ...tripsRepository(q),
    ...tripQueueRepository(q),
    ...deliveriesRepository(q),
    ...deliveryStepsRepository(q),
    ...deliverySafeguardsRepository(q),
    ...offersRepository(q),
    ...earningsRepository(q),
  };
}

export type DispatchRepository = ReturnType<typeof dispatchRepository>;
