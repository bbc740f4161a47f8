import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { paymentsDb, type WebhookEventsTable } from './payments-tables.ts';

/** The provider's webhooks: their inbox, and the confirmed status they carry to our payments. */
export function webhookInboxRepository(db: Db) {
  const q = paymentsDb(db);
  return {
    /** The webhook inbox: false when this event id was already received (a replay). */
    async recordWebhook(
      e: Pick<
        Selectable<WebhookEventsTable>,
        'provider' | 'event_id' | 'provider_payment_id' | 'sequence' | 'type' | 'payload'
      >,
    ) {
      const res = await q
        .insertInto('payment_webhook_events')
        .values({ ...e, payload: JSON.stringify(e.payload) })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async markWebhookApplied(provider: string, eventId: string): Promise<void> {
      await q
        .updateTable('payment_webhook_events')
        .set({ applied: true })
        .where('provider', '=', provider)
        .where('event_id', '=', eventId)
        .execute();
    },
    paymentByProviderId(provider: string, providerPaymentId: string) {
      return q
        .selectFrom('payments')
        .select(['id', 'provider_seq'])
        .where('provider', '=', provider)
        .where('provider_payment_id', '=', providerPaymentId)
        .executeTakeFirst();
    },
    /**
     * Takes the provider's confirmed status only from a newer event than the last one applied; the
     * row lock makes two concurrent deliveries for one payment apply in sequence order.
     */
    async confirm(
      provider: string,
      providerPaymentId: string,
      status: string,
      seq: number,
    ): Promise<boolean> {
      const res = await q
        .updateTable('payments')
        .set((eb) => ({
          provider_status: status,
          provider_seq: seq,
          provider_confirmed_at: eb.fn('now'),
        }))
        .where('provider', '=', provider)
        .where('provider_payment_id', '=', providerPaymentId)
        .where('provider_seq', '<', seq)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}
