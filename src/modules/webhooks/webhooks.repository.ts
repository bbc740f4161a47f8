import type { ExpressionBuilder, Kysely, Selectable, Updateable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../../platform/db/prune.ts';

/** A partner's subscription (migrations/0001_webhooks.sql). */
export interface WebhookSubscriptionsTable {
  id: string;
  partner_name: string;
  url: string;
  /** Signs every payload; kept readable because signing needs it. */
  secret: string;
  /** Event types, or a domain wildcard such as `orders.*`. */
  events: string[];
  /** Only this store's orders, or all when null. */
  store_id: string | null;
  active: boolean;
  created_by: string;
  created_at: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One event to send to one subscription, and how its attempts went. */
export interface WebhookDeliveriesTable {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

interface Tables {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type Subscription = Selectable<WebhookSubscriptionsTable>;
export type Delivery = Selectable<WebhookDeliveriesTable>;

/** Where a newest-first page ended: its last row's time and id. */
export interface PageKey {
  at: Date;
  id: string;
}

/** Rows after `k` in newest-first order: older, or as old with a smaller id. */
const olderThan = (
  eb: ExpressionBuilder<Tables, 'webhook_subscriptions' | 'webhook_deliveries'>,
  k: PageKey,
) =>
  eb.or([eb('created_at', '<', k.at), eb.and([eb('created_at', '=', k.at), eb('id', '<', k.id)])]);

/** The columns of the delivery log: everything but the body. */
const LOGGED = [
  'id',
  'subscription_id',
  'event_id',
  'event_type',
  'status',
  'attempts',
  'next_attempt_at',
  'last_status',
  'last_error',
  'created_at',
  'delivered_at',
] as const;

export function subscriptionsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    active: () =>
      q.selectFrom('webhook_subscriptions').selectAll().where('active', '=', true).execute(),

    byIds: (ids: readonly string[]) =>
      q.selectFrom('webhook_subscriptions').selectAll().where('id', 'in', ids).execute(),

    /** Newest first; `after`: the last row of the previous page. */
    newestFirst: (limit: number, after?: PageKey) =>
      q
        .selectFrom('webhook_subscriptions')
        .selectAll()
        .$if(after !== undefined, (qb) => qb.where((eb) => olderThan(eb, after as PageKey)))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),

    insert: (s: Subscription) =>
      q.insertInto('webhook_subscriptions').values(s).returningAll().executeTakeFirstOrThrow(),

    /** The subscription disabled; undefined when no active one was there to disable. */
    disable: (id: string) =>
      q
        .updateTable('webhook_subscriptions')
        .set({ active: false })
        .where('id', '=', id)
        .where('active', '=', true)
        .returningAll()
        .executeTakeFirst(),
  };
}

export function deliveriesRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /** One row per (subscription, event): a row already there is left as it is. */
    async insert(rows: readonly Delivery[]): Promise<void> {
      await q
        .insertInto('webhook_deliveries')
        .values(rows)
        .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
        .execute();
    },

    /** A subscription's delivery log, newest first, without the bodies; `after`: a page's last row. */
    log(
      subscriptionId: string,
      status: DeliveryStatus | undefined,
      limit: number,
      after?: PageKey,
    ) {
      let query = q
        .selectFrom('webhook_deliveries')
        .select(LOGGED)
        .where('subscription_id', '=', subscriptionId);
      if (status) query = query.where('status', '=', status);
      if (after) query = query.where((eb) => olderThan(eb, after));
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },

    /** A dead delivery of this subscription made due again, as the log shows it; undefined when none. */
    /** A dead delivery of the subscription, locked until the transaction ends (`db`: a transaction). */
    lockDead: (subscriptionId: string, deliveryId: string) =>
      q
        .selectFrom('webhook_deliveries')
        .select(LOGGED)
        .where('id', '=', deliveryId)
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'dead')
        .forUpdate()
        .executeTakeFirst(),

    revive: (subscriptionId: string, deliveryId: string, now: Date) =>
      q
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now })
        .where('id', '=', deliveryId)
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'dead')
        .returning(LOGGED)
        .executeTakeFirst(),

    /**
     * Claims up to `limit` due deliveries by moving them to `lease`: another sender skips the
     * locked rows now and finds them not due until the lease ends.
     */
    claimDue: (now: Date, lease: Date, limit: number) =>
      q
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: lease })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute(),

    /**
     * Deletes at most `limit` deliveries created before `before` that are settled (delivered or
     * dead); a pending one is kept until it settles.
     */
    pruneSettled(before: Date, limit: number): Promise<number> {
      return deleteSelected(
        db,
        'webhook_deliveries',
        q
          .selectFrom('webhook_deliveries')
          .select(ROW_ADDRESS)
          .where('created_at', '<', before)
          .where('status', 'in', ['delivered', 'dead'])
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      );
    },

    async recordAttempt(id: string, outcome: Updateable<WebhookDeliveriesTable>): Promise<void> {
      await q.updateTable('webhook_deliveries').set(outcome).where('id', '=', id).execute();
    },
  };
}
