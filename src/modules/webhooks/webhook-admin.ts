import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { pageFrom, timeIdCursor } from '../../platform/http/page-cursor.ts';
import {
  deliveriesRepository,
  type Delivery,
  type DeliveryStatus,
  type Subscription,
  subscriptionsRepository,
} from './webhooks.repository.ts';

const SUBSCRIPTIONS_CURSOR = timeIdCursor('webhook-subscriptions');
const DELIVERIES_CURSOR = timeIdCursor('webhook-deliveries');

const subscriptionView = (s: Subscription) => ({
  id: s.id,
  partner_name: s.partner_name,
  url: s.url,
  events: s.events,
  store_id: s.store_id,
  active: s.active,
  created_at: s.created_at.toISOString(),
});

type LoggedDelivery = Omit<Delivery, 'body'>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

const deliveryView = (d: LoggedDelivery) => ({
  id: d.id,
  subscription_id: d.subscription_id,
  event_id: d.event_id,
  event_type: d.event_type,
  status: d.status,
  attempts: d.attempts,
  next_attempt_at: d.next_attempt_at.toISOString(),
  last_status: d.last_status,
  last_error: d.last_error,
  created_at: d.created_at.toISOString(),
  delivered_at: iso(d.delivered_at),
});

interface AdminDeps {
  db: Db;
  clock: Clock;
  /** Each change is written to it in the change's transaction. */
  audit: AuditLog;
  /** Called after a subscription was created or disabled. */
  changed: () => void;
}

/** A dead delivery sent again: due now, its attempts counted from zero. */
function retryDelivery(deps: AdminDeps, act: AuditAct, subscriptionId: string, deliveryId: string) {
  return deps.db.transaction().execute(async (trx) => {
    const deliveries = deliveriesRepository(trx);
    const dead = await deliveries.lockDead(subscriptionId, deliveryId);
    const now = new Date(deps.clock.now());
    const row = dead && (await deliveries.revive(subscriptionId, deliveryId, now));
    if (!dead || !row) throw new AppError('NOT_FOUND', `No dead delivery ${deliveryId}`);
    await deps.audit.record(trx, act, {
      action: 'webhook.delivery_retry',
      target: { type: 'webhook_delivery', id: deliveryId },
      before: deliveryView(dead),
      after: deliveryView(row),
    });
    return deliveryView(row);
  });
}

/** What ops do: subscribe partners, stop them, read a delivery log, send a dead delivery again. */
export function webhookAdmin(deps: AdminDeps) {
  const { clock, audit } = deps;
  const target = (id: string) => ({ type: 'webhook', id });
  return {
    async create(
      act: AuditAct,
      input: { partner_name: string; url: string; events: string[]; store_id?: string | undefined },
    ) {
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const row = await deps.db.transaction().execute(async (trx) => {
        const made = await subscriptionsRepository(trx).insert({
          id: uuidv7(),
          partner_name: input.partner_name,
          url: input.url,
          secret,
          events: input.events,
          store_id: input.store_id ?? null,
          active: true,
          created_by: act.by.id,
          created_at: new Date(clock.now()),
        });
        // The log keeps the subscription as listed: never its secret.
        const after = subscriptionView(made);
        await audit.record(trx, act, {
          action: 'webhook.subscribe',
          target: target(made.id),
          before: null,
          after,
        });
        return made;
      });
      deps.changed();
      // The only time the secret is shown.
      return { ...subscriptionView(row), secret };
    },

    /** A page of subscriptions, newest first. */
    async list(q: { cursor?: string | undefined; limit: number }) {
      const after = q.cursor ? SUBSCRIPTIONS_CURSOR.decode(q.cursor) : undefined;
      const rows = await subscriptionsRepository(deps.db).newestFirst(q.limit + 1, after);
      return pageFrom(rows, q.limit, subscriptionView, (r) =>
        SUBSCRIPTIONS_CURSOR.encode(r.created_at, r.id),
      );
    },

    async disable(act: AuditAct, id: string) {
      await deps.db.transaction().execute(async (trx) => {
        const row = await subscriptionsRepository(trx).disable(id);
        if (!row) throw new AppError('NOT_FOUND', `No active webhook ${id}`);
        const after = subscriptionView(row);
        const before = { ...after, active: true };
        await audit.record(trx, act, { action: 'webhook.stop', target: target(id), before, after });
      });
      deps.changed();
    },

    /** A page of a subscription's delivery log, newest first. */
    async deliveries(
      id: string,
      q: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
    ) {
      const after = q.cursor ? DELIVERIES_CURSOR.decode(q.cursor) : undefined;
      const rows = await deliveriesRepository(deps.db).log(id, q.status, q.limit + 1, after);
      return pageFrom(rows, q.limit, deliveryView, (r) =>
        DELIVERIES_CURSOR.encode(r.created_at, r.id),
      );
    },

    retry: (act: AuditAct, subscriptionId: string, deliveryId: string) =>
      retryDelivery(deps, act, subscriptionId, deliveryId),
  };
}
