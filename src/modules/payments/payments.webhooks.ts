import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { webhookInboxRepository } from './payment-webhooks.repository.ts';
import { verifyWebhook } from '../../platform/http/webhook-signature.ts';

export type WebhookOutcome = 'applied' | 'duplicate' | 'out_of_order';

/** The part of a provider event we rely on; other fields are allowed (providers add fields over time). */
export interface ProviderEvent {
  id: string;
  type: string;
  created: number;
  data: { payment_id: string; sequence: number; status: string };
}

export type WebhookHandler = (
  rawBody: string,
  signatureHeader: string | undefined,
) => Promise<{ event_id: string; outcome: WebhookOutcome }>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max = 200): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

function parse(rawBody: string): ProviderEvent {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', 'The webhook body is not valid JSON', { cause: err });
  }
  const data = isObject(body) ? body.data : undefined;
  if (
    !isObject(body) ||
    !text(body.id) ||
    !text(body.type) ||
    !isObject(data) ||
    !text(data.payment_id) ||
    !text(data.status, 40) ||
    !Number.isSafeInteger(data.sequence) ||
    (data.sequence as number) < 1
  ) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The webhook body needs id, type and data.{payment_id, sequence >= 1, status}',
    );
  }
  return body as unknown as ProviderEvent;
}

/**
 * Applies signed provider webhooks, used by the HTTP route and by the in-process deliverer alike.
 * The signature is checked on the raw bytes before anything is parsed. Each event id is recorded
 * once (inbox) in the same transaction as its effect, so a replay changes nothing; an event older
 * than the last one applied for its payment (sequence) is recorded but does not overwrite newer state.
 */
export function webhookHandler(deps: {
  db: Db;
  secret: string;
  clock: Clock;
  provider: string;
}): WebhookHandler {
  return async (rawBody, signatureHeader) => {
    const check = verifyWebhook(
      deps.secret,
      signatureHeader,
      rawBody,
      Math.floor(deps.clock.now() / 1000),
    );
    if (!check.ok)
      throw new AppError(
        'UNAUTHENTICATED',
        `The webhook signature is ${check.reason === 'mismatch' ? 'not valid' : check.reason}`,
      );
    const e = parse(rawBody);
    const outcome = await deps.db.transaction().execute(async (trx): Promise<WebhookOutcome> => {
      const repo = webhookInboxRepository(trx);
      // The provider may call before our own record of its answer has committed: a non-2xx answer
      // makes it deliver again later, and nothing is recorded so that delivery is not a "replay".
      if (!(await repo.paymentByProviderId(deps.provider, e.data.payment_id))) {
        throw new AppError(
          'CONFLICT',
          `No payment ${e.data.payment_id} here yet; deliver again later`,
        );
      }
      const fresh = await repo.recordWebhook({
        provider: deps.provider,
        event_id: e.id,
        provider_payment_id: e.data.payment_id,
        sequence: e.data.sequence,
        type: e.type,
        payload: e,
      });
      if (!fresh) return 'duplicate';
      if (!(await repo.confirm(deps.provider, e.data.payment_id, e.data.status, e.data.sequence)))
        return 'out_of_order';
      await repo.markWebhookApplied(deps.provider, e.id);
      return 'applied';
    });
    return { event_id: e.id, outcome };
  };
}
