import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlatformContext, perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { type FakeProvider, fakeProvider } from './fake-provider.ts';
import { paymentsRoutes } from './payments.routes.ts';
import { type PaymentsService, paymentsService } from './payments.service.ts';
import { paymentEvents } from './payments.events.ts';
import { paymentsTimeline } from './payment-timeline.ts';
import { paymentsSchemas } from './payments.schemas.ts';
import { type WebhookHandler, webhookHandler } from './payments.webhooks.ts';

export { type CardDescription, describeCard } from './card-description.ts';
export { FAKEPAY } from './fake-provider.ts';
export { TEST_CARD_TOKENS, TEST_CARDS, testCardsDoc } from './fakepay-cards.ts';
export { FakepayEvents } from './fakepay-operations.ts';
export type { DeclineReason, PaymentProvider } from './payment-provider.ts';
export type { PaymentView } from './payment-view.ts';
export { Payment } from './payments.schemas.ts';
export type { Mismatch } from './payments.reconciliation.ts';
export type { PaymentStatus } from './payments-tables.ts';
export {
  PaymentEventDefs,
  type PaymentEventPayload,
  PaymentEvents,
  paymentEvents,
} from './payments.events.ts';

export { paymentsPersonalData } from './payments-privacy.repository.ts';
export type { PaymentsService } from './payments.service.ts';
export type { RefundView } from './payment-refunds.service.ts';
export { Refund } from './payments.schemas.ts';

interface Runtime {
  service: PaymentsService;
  provider: FakeProvider;
  handleWebhook: WebhookHandler;
}

// One provider, breaker and service per running platform: the circuit breaker must be shared by
// every call of the process to mean anything.
const runtimeFor = perPlatform((ctx): Runtime => {
  const secret = ctx.config.fakepayWebhookSecret;
  // The fake provider plays an external system: its own connections, and it needs no synchronous
  // flush (a real PSP's durability is not ours to pay for; its idempotency keys are what we rely on).
  const provider = fakeProvider({
    db: ctx.openPool('fakepay', { poolSize: 6, synchronousCommit: false }),
    webhookSecret: secret,
    clock: ctx.clock,
  });
  return {
    provider,
    service: paymentsService({ db: ctx.db, provider, logger: ctx.logger }),
    handleWebhook: webhookHandler({
      db: ctx.db,
      secret,
      clock: ctx.clock,
      provider: provider.name,
    }),
  };
});

/** The payments service of this platform: authorize, capture, void, refund, get, reconcile. */
export function paymentsFor(ctx: PlatformContext): PaymentsService {
  return runtimeFor(ctx).service;
}

/** Payments through a provider port (a built-in fake PSP for now), with a ledger and reconciliation. */
export const paymentsModule: ModuleDefinition = {
  name: 'payments',
  events: paymentEvents,
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: paymentsSchemas,
  routes: (app, ctx) => paymentsRoutes(app, runtimeFor(ctx)),
  // The order's ledger movements, declines and refunds.
  orderTimeline: (ctx) => paymentsTimeline(ctx.db),
  // The fake provider's webhooks are handed to the same handler the HTTP route uses, in process:
  // the worker need not know the API's public URL, and the signature is still checked.
  startWorker: async (ctx) => {
    const { provider, handleWebhook } = runtimeFor(ctx);
    const send = async (raw: string, signature: string) => {
      await handleWebhook(raw, signature);
    };
    return runPeriodically(
      'payment webhook delivery',
      500,
      () => provider.deliverWebhooks(send),
      ctx.logger,
    );
  },
};
