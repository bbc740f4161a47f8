import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Headers, ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { STORE_STATUSES } from './catalog-tables.ts';
import { Store } from './catalog.components.ts';
import { Cursor, StoreBody, StorePatch } from './catalog.schemas.ts';
import { STORE_ACTIONS } from './store-edits.service.ts';
import type { StoresService } from './stores.service.ts';

/** Stores as ops and their staff manage them: read, list, create, change, pause, resume, close. */
export async function storesRoutes(scope: FastifyInstance, stores: StoresService): Promise<void> {
  storeReadRoutes(scope, stores);
  storeEditRoutes(scope, stores);
}

function storeReadRoutes(scope: FastifyInstance, stores: StoresService): void {
  const app = typed(scope);

  app.get(
    '/v1/stores/:id',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['stores'],
        summary: 'One store',
        params: Strict({ id: Uuid }),
        response: { 200: ok(ref(Store), 'The store') },
      },
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
          cursor: Type.Optional(Cursor),
          status: Type.Optional(Type.Union(STORE_STATUSES.map((s) => Type.Literal(s)))),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: { 200: ok(pageOf(ref(Store), 'Stores in id order'), 'A page of stores') },
      },
    },
    async (req) => stores.list(req.query),
  );
}

function storeEditRoutes(scope: FastifyInstance, stores: StoresService): void {
  const app = typed(scope);

  app.post(
    '/v1/stores',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['stores'],
        summary: 'Create a store',
        body: StoreBody,
        response: { 201: ok(ref(Store), 'Created, open', { Location: Headers.location }) },
      },
    },
    async (req, reply) => {
      const created = await stores.create(req.body);
      reply.code(201).header('location', `/v1/stores/${created.id}`);
      return created;
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
        response: {
          200: ok(ref(Store), 'The store after the change'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => {
      const { expected_version, ...patch } = req.body;
      return stores.update(callerOf(req), req.params.id, patch, expected_version);
    },
  );

  for (const [action, status] of Object.entries(STORE_ACTIONS)) {
    app.post(
      `/v1/stores/:id/${action}`,
      {
        config: { auth: ['ops', 'store'] },
        schema: {
          tags: ['stores'],
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a store (status ${status})`,
          params: Strict({ id: Uuid }),
          response: { 200: ok(ref(Store), `The store, now ${status}`) },
        },
      },
      async (req) => stores.setStatus(callerOf(req), req.params.id, status),
    );
  }
}
