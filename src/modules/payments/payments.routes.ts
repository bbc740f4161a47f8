import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ok, problems } from '../../platform/http/contract.ts';
import { Strict, typed } from '../../platform/http/typed.ts';
import { Reconciliation, WebhookReceipt } from './payments.schemas.ts';
import type { PaymentsService } from './payments.service.ts';
import type { WebhookHandler } from './payments.webhooks.ts';

const WEBHOOK_BODY_LIMIT = 64 * 1024;
/** The provider's name for the header carrying its signature (platform/http/webhook-signature.ts). */
const SIGNATURE_HEADER = 'fakepay-signature';

export async function paymentsRoutes(
  scope: FastifyInstance,
  deps: { service: PaymentsService; handleWebhook: WebhookHandler },
): Promise<void> {
  // The webhook signature covers the exact bytes sent, and re-serialised JSON is not those bytes:
  // in this plugin (encapsulated, so no other module is affected) JSON bodies stay raw strings and
  // the handler parses them only after the signature checked out.
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );
  const app = typed(scope);

  app.post(
    '/v1/payments/webhooks/fakepay',
    {
      // Public but signed: the HMAC is the authentication. Replays are deduplicated by event id,
      // so the generic Idempotency-Key store is not needed.
      config: { auth: 'public', idempotency: 'off' },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags: ['payments'],
        summary:
          'Payment events from the fake provider (signed: Fakepay-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">)',
        headers: Type.Object({
          [SIGNATURE_HEADER]: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: {
          200: ok(WebhookReceipt, 'Received (also for a replay: see `outcome`)'),
          // 401: the signature is missing or wrong; 409: the payment is not recorded here yet.
          ...problems('UNAUTHENTICATED', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'),
        },
      },
    },
    async (req) => {
      const signature = req.headers[SIGNATURE_HEADER];
      return deps.handleWebhook(
        typeof req.body === 'string' ? req.body : '',
        typeof signature === 'string' ? signature : undefined,
      );
    },
  );

  app.get(
    '/v1/ops/payments/reconciliation',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary:
          'Payments whose columns, ledger and provider record disagree (empty when all is well)',
        querystring: Strict({
          limit: Type.Integer({
            minimum: 1,
            maximum: 50_000,
            default: 10_000,
            description: 'newest payments to check',
          }),
        }),
        response: { 200: ok(Reconciliation, 'The check ran; `ok` says whether all agree') },
      },
    },
    async (req) => {
      const mismatches = await deps.service.reconcile({ limit: req.query.limit });
      return { ok: mismatches.length === 0, mismatches };
    },
  );
}
