import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { StoreBody, StorePatch } from './catalog.schemas.ts';
import type { StoresService } from './stores.service.ts';

/** Stores as ops and their staff manage them: read, list, create, change, pause, resume, close. */
export async function storesRoutes(scope: FastifyInstance, stores: StoresService): Promise<void> {
  const app = typed(scope);

  app.get(
    '/v1/stores/:id',
    {
      config: { auth: 'public' },
      schema: { tags: ['stores'], summary: 'One store', params: Strict({ id: Uuid }) },
    },
    async (req) => stores.get(req.params.id),
  );

  app.get(
    '/v1/stores',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['stores'],
        summary: 'All stores (ops)',
        querystring: Strict({
          after: Type.Optional(Uuid),
          status: Type.Optional(
            Type.Union([Type.Literal('open'), Type.Literal('paused'), Type.Literal('closed')]),
          ),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
      },
    },
    async (req) => ({ items: await stores.list(req.query) }),
  );

  app.post(
    '/v1/stores',
    {
      config: { auth: ['ops'] },
      schema: { tags: ['stores'], summary: 'Create a store', body: StoreBody },
    },
    async (req, reply) => {
      reply.code(201);
      return stores.create(req.body);
    },
  );

  app.patch(
    '/v1/stores/:id',
    {
      config: { auth: ['ops', 'store'] },
      schema: {
        tags: ['stores'],
        summary: 'Change a store',
        params: Strict({ id: Uuid }),
        body: StorePatch,
      },
    },
    async (req) => {
      const { expected_version, ...patch } = req.body;
      return stores.update(callerOf(req), req.params.id, patch, expected_version);
    },
  );

  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'open'],
    ['close', 'closed'],
  ] as const) {
    app.post(
      `/v1/stores/:id/${action}`,
      {
        config: { auth: ['ops', 'store'] },
        schema: {
          tags: ['stores'],
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a store`,
          params: Strict({ id: Uuid }),
        },
      },
      async (req) => stores.setStatus(callerOf(req), req.params.id, status),
    );
  }
}
