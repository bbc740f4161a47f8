import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAct } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { AuditReason, auditActOf, optionalBody } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Order } from './orders.schemas.ts';
import type { OrdersService } from './orders.service.ts';

const Id = Strict({ id: Uuid });
/** Every move answers the order as it left it; CONFLICT when its status does not allow the move. */
const Moved = { 200: ok(ref(Order), 'The order after the move'), ...problems('CONFLICT') };

/** Required when ops make the move (checked in the handler); the store's own moves need none. */
const OpsReason = Type.Optional(AuditReason);
const AUDITED =
  'When ops make it, the move is an override: the body must give a `reason`, and it is written to the audit log';

/** Ops' audit act, with the reason they must give; none for the store (its moves are not audited). */
function opsAct(req: FastifyRequest, reason: string | undefined): AuditAct | undefined {
  if (callerOf(req).role !== 'ops') return undefined;
  if (reason === undefined) {
    const message = 'ops must give a reason for an override of an order';
    throw new AppError('VALIDATION_FAILED', `reason: ${message}`, {
      details: { errors: [{ path: 'body.reason', message }] },
    });
  }
  return auditActOf(req, reason);
}

/** The store's moves of an order (and ops overrides of the courier's). */
export function storeOrderRoutes(scope: FastifyInstance, orders: OrdersService): void {
  const app = typed(scope);
  const action = (
    path: string,
    summary: string,
    auth: Array<'store' | 'ops'>,
    run: (p: Principal, id: string, act?: AuditAct) => Promise<unknown>,
  ) =>
    app.post(
      `/v1/orders/:id/${path}`,
      {
        config: { auth },
        preValidation: optionalBody,
        schema: {
          tags: ['store orders'],
          summary,
          description: `\`order.${path.replace('-', '_')}\`: ${AUDITED}. The store may leave the body out.`,
          params: Id,
          body: Strict({ reason: OpsReason }),
          response: Moved,
        },
      },
      async (req) => run(callerOf(req), req.params.id, opsAct(req, req.body.reason)),
    );
  action('accept', 'The store takes the order', ['store', 'ops'], orders.accept);
  action('preparing', 'The store starts picking', ['store', 'ops'], orders.preparing);
  // The assigned driver moves the delivery (and with it the order) through dispatch; these two
  // are the ops override for when the courier's app cannot.
  action('picked-up', 'Ops override: the courier has the bag', ['ops'], orders.pickedUp);
  action(
    'delivered',
    'Ops override: handed over; the final amount is captured',
    ['ops'],
    orders.delivered,
  );
  app.post(
    '/v1/orders/:id/reject',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary: 'The store refuses the order',
        description:
          'When ops refuse it for the store, the refusal is written to the audit log (`order.reject`) with this `reason`.',
        params: Id,
        body: Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: Moved,
      },
    },
    async (req) =>
      orders.reject(callerOf(req), req.params.id, req.body.reason, opsAct(req, req.body.reason)),
  );
  app.post(
    '/v1/orders/:id/ready',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary:
          'Picked and packed; report missing items as picked quantities below the ordered ones',
        description: `\`order.ready\`: ${AUDITED}, with the picked quantities.`,
        params: Id,
        body: Strict({
          picked: Type.Array(
            Strict({ product_id: Uuid, quantity: Type.Integer({ minimum: 0, maximum: 99 }) }),
            { maxItems: 100, default: [] },
          ),
          reason: OpsReason,
        }),
        response: Moved,
      },
    },
    async (req) =>
      orders.ready(
        callerOf(req),
        req.params.id,
        req.body.picked.map((p) => ({ productId: p.product_id, quantity: p.quantity })),
        opsAct(req, req.body.reason),
      ),
  );
}
