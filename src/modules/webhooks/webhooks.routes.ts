import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { empty, ok, problems, ref } from '../../platform/http/contract.ts';
import { CursorParam } from '../../platform/http/page-cursor.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import {
  DeliveryPage,
  NewWebhookSubscription,
  SubscriptionPage,
  WebhookDelivery,
} from './webhooks.schemas.ts';
import type { WebhooksService } from './webhooks.service.ts';

const tags = ['webhooks'];
const Page = {
  cursor: CursorParam,
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};

/** Throws NOT_FOUND for a store that does not exist (the catalog knows). */
export type StoreCheck = (storeId: string) => Promise<void>;

export async function webhooksRoutes(
  scope: FastifyInstance,
  webhooks: WebhooksService,
  storeMustExist: StoreCheck,
): Promise<void> {
  subscriptionRoutes(scope, webhooks, storeMustExist);
  deliveryRoutes(scope, webhooks);
}

/** Subscribe, list and stop partner subscriptions. */
function subscriptionRoutes(
  scope: FastifyInstance,
  webhooks: WebhooksService,
  storeMustExist: StoreCheck,
): void {
  const app = typed(scope);
  app.post(
    '/v1/ops/webhooks',
    {
      config: { auth: ['ops'], opsLevel: 'admin' },
      schema: {
        tags,
        summary:
          "Subscribe a partner's URL to order and delivery events; the signing secret is shown once",
        description:
          'Each POST carries `Lastmile-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Non-2xx answers are retried with exponential backoff, then kept as dead. Written to the audit log (`webhook.subscribe`, never the secret) with the reason.',
        body: Strict({
          partner_name: Type.String({ minLength: 1, maxLength: 120 }),
          url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
          events: Type.Array(Type.String({ pattern: '^(orders|dispatch)\\.([a-z_]+|\\*)$' }), {
            minItems: 1,
            maxItems: 50,
          }),
          store_id: Type.Optional(Uuid),
          reason: AuditReason,
        }),
        response: {
          201: ok(ref(NewWebhookSubscription), 'Subscribed; keep the secret'),
          // NOT_FOUND: `store_id` names no store.
          ...problems('NOT_FOUND'),
        },
      },
    },
    async (req, reply) => {
      const { reason, ...input } = req.body;
      if (input.store_id) await storeMustExist(input.store_id);
      reply.code(201);
      return webhooks.create(auditActOf(req, reason), input);
    },
  );
  app.get(
    '/v1/ops/webhooks',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Webhook subscriptions, newest first (stopped ones included)',
        querystring: Strict(Page),
        response: { 200: ok(SubscriptionPage, 'A page of subscriptions') },
      },
    },
    async (req) => webhooks.list(req.query),
  );
  app.delete(
    '/v1/ops/webhooks/:id',
    {
      config: { auth: ['ops'], opsLevel: 'admin' },
      schema: {
        tags,
        summary: 'Stop a subscription',
        description: 'Written to the audit log (`webhook.stop`) with the reason.',
        params: Strict({ id: Uuid }),
        body: Strict({ reason: AuditReason }),
        response: { 204: empty('Stopped') },
      },
    },
    async (req, reply) => {
      await webhooks.disable(auditActOf(req, req.body.reason), req.params.id);
      return reply.code(204).send();
    },
  );
}

/** A subscription's delivery log, and sending a dead delivery again. */
function deliveryRoutes(scope: FastifyInstance, webhooks: WebhooksService): void {
  const app = typed(scope);
  app.get(
    '/v1/ops/webhooks/:id/deliveries',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'The delivery log of a subscription',
        params: Strict({ id: Uuid }),
        querystring: Strict({
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
          ),
          ...Page,
        }),
        response: { 200: ok(DeliveryPage, 'A page of the log, newest first') },
      },
    },
    async (req) => webhooks.deliveries(req.params.id, req.query),
  );
  app.post(
    '/v1/ops/webhooks/:id/deliveries/:deliveryId/retry',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Send a dead delivery again',
        description: 'Written to the audit log (`webhook.delivery_retry`) with the reason.',
        params: Strict({ id: Uuid, deliveryId: Uuid }),
        body: Strict({ reason: AuditReason }),
        response: { 200: ok(ref(WebhookDelivery), 'Due again at once (pending)') },
      },
    },
    async (req) =>
      webhooks.retry(auditActOf(req, req.body.reason), req.params.id, req.params.deliveryId),
  );
}
