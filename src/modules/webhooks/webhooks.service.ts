import { uuidv7 } from 'uuidv7';
import type { AuditLog } from '../../platform/audit/audit-log.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import { createCache } from '../../platform/cache/cache.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { signWebhook } from '../../platform/http/webhook-signature.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { retryDelayMs } from '../../platform/retry.ts';
import { webhookAdmin } from './webhook-admin.ts';
import {
  type Delivery,
  deliveriesRepository,
  type Subscription,
  subscriptionsRepository,
} from './webhooks.repository.ts';

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

/** The store an event concerns, when its payload names one. */
const storeOf = (payload: unknown): string | null =>
  typeof payload === 'object' &&
  payload !== null &&
  'store_id' in payload &&
  typeof payload.store_id === 'string'
    ? payload.store_id
    : null;

/** The active subscriptions an event matches, from a list cached for a few seconds. */
function subscriptionMatcher(db: Db, clock: Clock) {
  // Active subscriptions, re-read at most every few seconds: most events match none, and those
  // should cost no query at all.
  const ACTIVE_TTL_MS = 3000;
  const active = createCache<Subscription[]>({
    ttlMs: ACTIVE_TTL_MS,
    maxEntries: 1,
    now: () => clock.now(),
  });
  const activeSubscriptions = (): Promise<Subscription[]> =>
    active.get('active', () => subscriptionsRepository(db).active());
  const matching = async (event: DomainEvent) => {
    const storeId = storeOf(event.payload);
    return (await activeSubscriptions()).filter(
      (x) => matches(x.events, event.type) && (!x.store_id || x.store_id === storeId),
    );
  };
  return {
    matching,
    /** A subscription was created or disabled: the next event reads the list again. */
    forget: () => active.clear(),
  };
}

/**
 * Sends due deliveries, signed, each request with its timeout; a failure is tried again after a
 * backoff until the last attempt leaves the delivery dead.
 */
function deliverySender(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: WebhookSettings;
  fetch?: typeof fetch;
}) {
  const { db, clock, settings } = deps;
  const deliveries = deliveriesRepository(db);
  const doFetch = deps.fetch ?? fetch;
  const inFlight = new Set<Promise<void>>();

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
    await deliveries.recordAttempt(d.id, attemptOutcome(d.attempts + 1, status, error));
  }

  /** What one attempt leaves: delivered, dead after the last one, or due again after a backoff. */
  function attemptOutcome(attempts: number, status: number | null, error: string | null) {
    const ok = status !== null && status >= 200 && status < 300;
    const backoff = { initialDelayMs: settings.backoffBaseMs, maxDelayMs: 3_600_000 };
    return {
      attempts,
      last_status: status,
      last_error: ok ? null : (error ?? `HTTP ${status}`),
      ...(ok
        ? { status: 'delivered' as const, delivered_at: new Date(clock.now()) }
        : attempts >= settings.maxAttempts
          ? { status: 'dead' as const }
          : { next_attempt_at: new Date(clock.now() + retryDelayMs(attempts, backoff)) }),
    };
  }

  return {
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
      const due = await deliveries.claimDue(new Date(now), lease, free);
      if (due.length === 0) return 0;
      const subs = new Map(
        (
          await subscriptionsRepository(db).byIds([...new Set(due.map((d) => d.subscription_id))])
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
  audit: AuditLog;
  fetch?: typeof fetch;
}) {
  const { clock } = deps;
  const matcher = subscriptionMatcher(deps.db, clock);
  const sender = deliverySender(deps);
  return {
    ...webhookAdmin({ db: deps.db, clock, audit: deps.audit, changed: matcher.forget }),

    /** Whether any subscription wants this event (from the cached list: no query). */
    wanted: async (event: DomainEvent) => (await matcher.matching(event)).length > 0,

    /** In the consumer's transaction: one pending delivery per matching subscription. */
    async enqueue(trx: Db, event: DomainEvent): Promise<number> {
      const subs = await matcher.matching(event);
      if (subs.length === 0) return 0;
      const body = JSON.stringify({
        id: event.id,
        type: event.type,
        occurred_at: event.occurredAt,
        data: event.payload,
      });
      await deliveriesRepository(trx).insert(
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
      );
      return subs.length;
    },

    sendDue: sender.sendDue,
    drain: sender.drain,
  };
}

export type WebhooksService = ReturnType<typeof webhooksService>;
