import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { NewAccount, Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { StaffAccount } from './catalog.components.ts';
import { Cursor } from './catalog.schemas.ts';
import type { StoreStaffService } from './store-staff.service.ts';

/** The audit log's reason for a staff account that gives none. */
export const STAFF_REASON = 'store staff set-up';

export async function storeStaffRoutes(
  scope: FastifyInstance,
  staff: StoreStaffService,
): Promise<void> {
  const app = typed(scope);

  app.post(
    '/v1/stores/:id/staff',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['stores'],
        summary:
          "Create a staff account for a store (signs in with the store role, sees only this store's orders)",
        description: `Written to the audit log (\`store_staff.create\`: the account's id, role and store; no email or name) with the \`reason\` (\`${STAFF_REASON}\` when none is given).`,
        params: Strict({ id: Uuid }),
        body: Strict({
          ...NewAccount,
          reason: Type.Optional(AuditReason),
        }),
        response: {
          201: ok(ref(StaffAccount), 'Created; it signs in with its email and password'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      reply.code(201);
      const { reason, ...input } = req.body;
      return staff.create(req.params.id, input, auditActOf(req, reason ?? STAFF_REASON));
    },
  );

  app.get(
    '/v1/stores/:id/staff',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['stores'],
        summary: "A store's staff accounts (ops, or the store's own staff)",
        params: Strict({ id: Uuid }),
        querystring: Strict({
          cursor: Type.Optional(Cursor),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: {
          200: ok(pageOf(ref(StaffAccount), 'Oldest account first'), 'A page of staff accounts'),
        },
      },
    },
    async (req) => staff.list(callerOf(req), req.params.id, req.query),
  );
}
