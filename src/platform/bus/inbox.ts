import type { Db } from '../db/pool.ts';
import type { DomainEvent } from './event.ts';
import { claimInbox } from './inbox.repository.ts';
import type { Delivery } from './port.ts';

/**
 * Wraps a consumer's effect so it runs at most once per event: the inbox row and the effect commit
 * in one transaction. A redelivery finds the row and changes nothing; a crash before commit leaves
 * neither, so the redelivery applies the effect.
 */
export function onceWithInbox<E extends Pick<DomainEvent, 'id'>>(
  db: Db,
  consumer: string,
  effect: (trx: Db, event: E) => Promise<void>,
): (event: E, delivery: Delivery) => Promise<void> {
  return async (event) => {
    await db.transaction().execute(async (trx) => {
      if (!(await claimInbox(trx, consumer, event.id))) return;
      await effect(trx, event);
    });
  };
}
