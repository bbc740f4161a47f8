import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import { createCache } from '../../platform/cache/cache.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { signWebhook } from '../../platform/http/webhook-signature.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { retryDelayMs } from '../../platform/retry.ts';

interface Subscription {
  id: string;
  partner_name: string;
  url: string;
  secret: string;
  events: string[];
  store_id: string | null;
  active: boolean;
  created_by: string;
  created_at: Date;
}
interface Delivery {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}
interface Tables {
  webhook_subscriptions: Subscription;
  webhook_deliveries: Delivery;
}

export interface WebhookSettings {
  maxAttempts: number;
  backoffBaseMs: number;
  timeoutMs: number;
  /** Requests in flight at once per sending pass: one slow receiver holds one slot, not the queue. */
  concurrency: number;
}

const matches = (patterns: readonly string[], type: string) =>
  patterns.some(
    (p) => p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))) || p === '*',
  );

const subscriptionView = (s: Subscription) => ({
  id: s.id,
  partner_name: s.partner_name,
  url: s.url,
  events: s.events,
  store_id: s.store_id,
  active: s.active,
  created_at: s.created_at.toISOString(),
});

/**
 * Partner webhooks: each matching event becomes a delivery row (in the consumer's inbox
 * transaction, so once per event and subscription), sent signed by any worker's sender pass, retried
 * with exponential backoff and left as dead after the last attempt, where ops can see and retry it.
 */
export function webhooksService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: WebhookSettings;
  fetch?: typeof fetch;
}) {
  const { db, clock, settings } = deps;
  const q = (x: Db) => x as unknown as Kysely<Tables>;
  const doFetch = deps.fetch ?? fetch;
  const inFlight = new Set<Promise<void>>();
  // Active subscriptions, re-read at most every few seconds: most events match none, and those
  // should cost no query at all.
  const ACTIVE_TTL_MS = 3000;
  const active = createCache<Subscription[]>({
    ttlMs: ACTIVE_TTL_MS,
    maxEntries: 1,
    now: () => clock.now(),
  });
  const activeSubscriptions = (): Promise<Subscription[]> =>
    active.get('active', () =>
      q(db).selectFrom('webhook_subscriptions').selectAll().where('active', '=', true).execute(),
    );
  const matching = async (event: DomainEvent) => {
    const storeId = (event.payload as { store_id?: string }).store_id ?? null;
    return (await activeSubscriptions()).filter(
      (x) => matches(x.events, event.type) && (!x.store_id || x.store_id === storeId),
    );
  };

  async function send(d: Delivery, sub: Subscription): Promise<void> {
    const now = clock.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await doFetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'lastmile-webhooks/1',
          'lastmile-event-id': d.event_id,
          'lastmile-event-type': d.event_type,
          'lastmile-signature': signWebhook(sub.secret, d.body, Math.floor(now / 1000)),
        },
        body: d.body,
        signal: AbortSignal.timeout(settings.timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const ok = status !== null && status >= 200 && status < 300;
    const attempts = d.attempts + 1;
    await q(db)
      .updateTable('webhook_deliveries')
      .set({
        attempts,
        last_status: status,
        last_error: ok ? null : (error ?? `HTTP ${status}`),
        ...(ok
          ? { status: 'delivered', delivered_at: new Date(clock.now()) }
          : attempts >= settings.maxAttempts
            ? { status: 'dead' }
            : {
                next_attempt_at: new Date(
                  clock.now() +
                    retryDelayMs(attempts, {
                      initialDelayMs: settings.backoffBaseMs,
                      maxDelayMs: 3_600_000,
                    }),
                ),
              }),
      })
      .where('id', '=', d.id)
      .execute();
  }

  return {
    async create(
      by: Principal,
      input: { partner_name: string; url: string; events: string[]; store_id?: string | undefined },
    ) {
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const row = await q(db)
        .insertInto('webhook_subscriptions')
        .values({
          id: uuidv7(),
          partner_name: input.partner_name,
          url: input.url,
          secret,
          events: input.events,
          store_id: input.store_id ?? null,
          active: true,
          created_by: by.id,
          created_at: new Date(clock.now()),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      active.clear();
      // The only time the secret is shown.
      return { ...subscriptionView(row), secret };
    },
    list: async () =>
      (
        await q(db)
          .selectFrom('webhook_subscriptions')
          .selectAll()
          .orderBy('created_at', 'desc')
          .limit(500)
          .execute()
      ).map(subscriptionView),
    async disable(id: string) {
      const r = await q(db)
        .updateTable('webhook_subscriptions')
        .set({ active: false })
        .where('id', '=', id)
        .where('active', '=', true)
        .returning('id')
        .executeTakeFirst();
      if (!r) throw new AppError('NOT_FOUND', `No active webhook ${id}`);
      active.clear();
    },
    async deliveries(id: string, status?: Delivery['status']) {
      let query = q(db)
        .selectFrom('webhook_deliveries')
        .select([
          'id',
          'event_id',
          'event_type',
          'status',
          'attempts',
          'next_attempt_at',
          'last_status',
          'last_error',
          'created_at',
          'delivered_at',
        ])
        .where('subscription_id', '=', id);
      if (status) query = query.where('status', '=', status);
      return { items: await query.orderBy('created_at', 'desc').limit(200).execute() };
    },
    async retry(subscriptionId: string, deliveryId: string) {
      const r = await q(db)
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: new Date(clock.now()) })
        .where('id', '=', deliveryId)
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'dead')
        .returning('id')
        .executeTakeFirst();
      if (!r) throw new AppError('NOT_FOUND', `No dead delivery ${deliveryId}`);
      return { id: deliveryId, status: 'pending' as const };
    },

    /** Whether any subscription wants this event (from the cached list: no query). */
    wanted: async (event: DomainEvent) => (await matching(event)).length > 0,

    /** In the consumer's transaction: one pending delivery per matching subscription. */
    async enqueue(trx: Db, event: DomainEvent): Promise<number> {
      const subs = await matching(event);
      if (subs.length === 0) return 0;
      const body = JSON.stringify({
        id: event.id,
        type: event.type,
        occurred_at: event.occurredAt,
        data: event.payload,
      });
      await q(trx)
        .insertInto('webhook_deliveries')
        .values(
          subs.map((s) => ({
            id: uuidv7(),
            subscription_id: s.id,
            event_id: event.id,
            event_type: event.type,
            body,
            status: 'pending' as const,
            attempts: 0,
            next_attempt_at: new Date(clock.now()),
            last_status: null,
            last_error: null,
            created_at: new Date(clock.now()),
            delivered_at: null,
          })),
        )
        .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
        .execute();
      return subs.length;
    },

    /**
     * One sending pass: claims as many due deliveries as there are free sending slots (with a lease
     * past the request timeout) and starts them without waiting: a receiver that hangs holds its
     * slot until the timeout, while the next pass keeps the other slots busy.
     */
    async sendDue(): Promise<number> {
      const free = settings.concurrency - inFlight.size;
      if (free <= 0) return 0;
      const now = clock.now();
      const lease = new Date(now + settings.timeoutMs + 5000);
      const due = (
        await sql<Delivery>`UPDATE webhook_deliveries SET next_attempt_at = ${lease}
          WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${new Date(now)}
                       ORDER BY next_attempt_at LIMIT ${free} FOR UPDATE SKIP LOCKED)
          RETURNING *`.execute(db)
      ).rows;
      if (due.length === 0) return 0;
      const subs = new Map(
        (
          await q(db)
            .selectFrom('webhook_subscriptions')
            .selectAll()
            .where('id', 'in', [...new Set(due.map((d) => d.subscription_id))])
            .execute()
        ).map((x) => [x.id, x]),
      );
      for (const d of due) {
        const sub = subs.get(d.subscription_id);
        if (!sub) continue;
        const job: Promise<void> = send(d, sub)
          .catch((err: unknown) => deps.logger.warn({ err, delivery: d.id }, 'webhook send failed'))
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
      return due.length;
    },

    /** Waits for the requests in flight (shutdown). */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type WebhooksService = ReturnType<typeof webhooksService>;
