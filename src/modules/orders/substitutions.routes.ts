import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, opsActOf } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Substitution } from './substitutions.schemas.ts';
import type { SubstitutionsService } from './substitutions.service.ts';

const Id = Strict({ id: Uuid });
/** The audit log's reason for a proposal by ops that gives none. */
export const PROPOSE_REASON = 'short line while picking';
const Ids = Strict({ id: Uuid, substitution_id: Uuid });
const Answered = {
  200: ok(ref(Substitution), 'The proposal with its answer'),
  // Answered already (another tab), expired, or the order is past picking (accept only).
  ...problems('CONFLICT'),
};

/** Substitutes for short lines: the store proposes while picking, the customer answers. */
export function substitutionRoutes(scope: FastifyInstance, subs: SubstitutionsService): void {
  const app = typed(scope);
  app.post(
    '/v1/orders/:id/substitutions',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary: 'Propose a substitute for a short line while picking (its stock is reserved)',
        description: `A proposal by ops is written to the audit log (\`substitution.propose\`, target the order) with the \`reason\` (\`${PROPOSE_REASON}\` when none is given); the store's are not.`,
        params: Id,
        body: Strict({
          product_id: Uuid,
          substitute_product_id: Uuid,
          quantity: Type.Integer({ minimum: 1, maximum: 99 }),
          missing: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 99,
              description: 'Units of the line it replaces; all that are left when left out',
            }),
          ),
          reason: Type.Optional(AuditReason),
        }),
        response: {
          201: ok(ref(Substitution), 'Proposed; the customer answers before `answer_by`'),
          // OUT_OF_STOCK: the substitute is not in stock; CONFLICT: not being picked, the line
          // has an open substitute, or the product is already a line; OVER_AUTHORIZED: the order
          // could then cost more than the payment authorized.
          ...problems('OUT_OF_STOCK', 'CONFLICT', 'OVER_AUTHORIZED'),
        },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return subs.propose(
        callerOf(req),
        req.params.id,
        {
          productId: req.body.product_id,
          substituteProductId: req.body.substitute_product_id,
          quantity: req.body.quantity,
          ...(req.body.missing === undefined ? {} : { missing: req.body.missing }),
        },
        opsActOf(req, req.body.reason, PROPOSE_REASON),
      );
    },
  );
  app.get(
    '/v1/orders/:id/substitutions',
    {
      config: { auth: ['customer', 'store', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: "The order's substitute proposals and their answers, oldest first",
        params: Id,
        response: { 200: ok(Type.Array(ref(Substitution)), 'The proposals') },
      },
    },
    async (req) => subs.list(callerOf(req), req.params.id),
  );
  for (const [verb, accept] of [
    ['accept', true],
    ['decline', false],
  ] as const)
    app.post(
      `/v1/orders/:id/substitutions/:substitution_id/${verb}`,
      {
        config: { auth: ['customer'] },
        schema: {
          tags: ['orders'],
          summary: accept
            ? 'Accept a substitute: it joins the order and is charged on delivery'
            : 'Decline a substitute: its stock goes back and it is not charged',
          params: Ids,
          response: Answered,
        },
      },
      async (req) => subs.answer(callerOf(req), req.params.id, req.params.substitution_id, accept),
    );
}
