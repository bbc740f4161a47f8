import type { PersonalData } from '../../platform/people/personal-data.ts';
import { paymentsDb } from './payments-tables.ts';

/**
 * The payments module's part of exports: the payments of the person's orders and their ledger.
 * Nothing to erase: a payment names its order, an amount and the provider's reference (the card
 * is a provider token), and the accounts must keep it.
 */
export const paymentsPersonalData: PersonalData = {
  async export(person, db) {
    if (person.orderIds.length === 0) return { payments: [], ledger: [] };
    const q = paymentsDb(db);
    const payments = await q
      .selectFrom('payments')
      .select(['id', 'order_id', 'status', 'currency', 'authorized_minor', 'captured_minor'])
      .select(['refunded_minor', 'decline_reason', 'provider', 'created_at', 'updated_at'])
      .where('order_id', 'in', person.orderIds)
      .orderBy('id')
      .execute();
    const ledger = await q
      .selectFrom('payment_ledger')
      .select(['payment_id', 'order_id', 'kind', 'amount_minor', 'currency', 'reason'])
      .select('created_at')
      .where('order_id', 'in', person.orderIds)
      .orderBy('created_at')
      .execute();
    return { payments, ledger };
  },
};
