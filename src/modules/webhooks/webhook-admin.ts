import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import {
  deliveriesRepository,
  type DeliveryStatus,
  type Subscription,
  subscriptionsRepository,
} from './webhooks.repository.ts';

const subscriptionView = (s: Subscription) => ({
  id: s.id,
  partner_name: s.partner_name,
  url: s.url,
  events: s.events,
  store_id: s.store_id,
  active: s.active,
  created_at: s.created_at.toISOString(),
});

/** What ops do: subscribe partners, stop them, read a delivery log, send a dead delivery again. */
export function webhookAdmin(deps: {
  db: Db;
  clock: Clock;
  /** Called after a subscription was created or disabled. */
  changed: () => void;
}) {
  const { clock } = deps;
  const subscriptions = subscriptionsRepository(deps.db);
  const deliveries = deliveriesRepository(deps.db);
  return {
    async create(
      by: Principal,
      input: { partner_name: string; url: string; events: string[]; store_id?: string | undefined },
    ) {
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const row = await subscriptions.insert({
        id: uuidv7(),
        partner_name: input.partner_name,
        url: input.url,
        secret,
        events: input.events,
        store_id: input.store_id ?? null,
        active: true,
        created_by: by.id,
        created_at: new Date(clock.now()),
      });
      deps.changed();
      // The only time the secret is shown.
      return { ...subscriptionView(row), secret };
    },

    list: async () => (await subscriptions.newestFirst(500)).map(subscriptionView),

    async disable(id: string) {
      if (!(await subscriptions.disable(id)))
        throw new AppError('NOT_FOUND', `No active webhook ${id}`);
      deps.changed();
    },

    deliveries: async (id: string, status?: DeliveryStatus) => ({
      items: await deliveries.log(id, status, 200),
    }),

    async retry(subscriptionId: string, deliveryId: string) {
      if (!(await deliveries.revive(subscriptionId, deliveryId, new Date(clock.now()))))
        throw new AppError('NOT_FOUND', `No dead delivery ${deliveryId}`);
      return { id: deliveryId, status: 'pending' as const };
    },
  };
}
