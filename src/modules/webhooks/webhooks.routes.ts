import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { WebhooksService } from './webhooks.service.ts';

export async function webhooksRoutes(
  scope: FastifyInstance,
  webhooks: WebhooksService,
): Promise<void> {
  const app = typed(scope);
  const tags = ['webhooks'];
  app.post(
    '/v1/ops/webhooks',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary:
          "Subscribe a partner's URL to order and delivery events; the signing secret is shown once",
        description:
          'Each POST carries `Lastmile-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Non-2xx answers are retried with exponential backoff, then kept as dead.',
        body: Strict({
          partner_name: Type.String({ minLength: 1, maxLength: 120 }),
          url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
          events: Type.Array(Type.String({ pattern: '^(orders|dispatch)\\.([a-z_]+|\\*)$' }), {
            minItems: 1,
            maxItems: 50,
          }),
          store_id: Type.Optional(Uuid),
        }),
      },
    },
    async (req, reply) => {
      reply.code(201);
      return webhooks.create(callerOf(req), req.body);
    },
  );
  app.get(
    '/v1/ops/webhooks',
    { config: { auth: ['ops'] }, schema: { tags, summary: 'Webhook subscriptions' } },
    async () => ({ items: await webhooks.list() }),
  );
  app.delete(
    '/v1/ops/webhooks/:id',
    {
      config: { auth: ['ops'] },
      schema: { tags, summary: 'Stop a subscription', params: Strict({ id: Uuid }) },
    },
    async (req, reply) => {
      await webhooks.disable(req.params.id);
      return reply.code(204).send();
    },
  );
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
        }),
      },
    },
    async (req) => webhooks.deliveries(req.params.id, req.query.status),
  );
  app.post(
    '/v1/ops/webhooks/:id/deliveries/:deliveryId/retry',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Send a dead delivery again',
        params: Strict({ id: Uuid, deliveryId: Uuid }),
      },
    },
    async (req) => webhooks.retry(req.params.id, req.params.deliveryId),
  );
}
