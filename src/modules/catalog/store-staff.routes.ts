import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { NewAccount, Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { StoreStaffService } from './store-staff.service.ts';

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
        params: Strict({ id: Uuid }),
        body: Strict({
          ...NewAccount,
        }),
      },
    },
    async (req, reply) => {
      reply.code(201);
      return staff.create(req.params.id, req.body);
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
      },
    },
    async (req) => staff.list(callerOf(req), req.params.id),
  );
}
