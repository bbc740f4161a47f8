import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { opsActOf, optionalBody } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Headers, ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { STORE_STATUSES } from './catalog-tables.ts';
import { Store } from './catalog.components.ts';
import { Cursor, OpsReason, StoreBody, StorePatch } from './catalog.schemas.ts';
import { STORE_ACTIONS } from './store-edits.service.ts';
import type { StoresService } from './stores.service.ts';

/** The audit log's reason for an ops store write sent without one. */
export const STORE_SETUP_REASON = 'catalog set-up';
const AUDITED = `Written to the audit log when ops call it, with the \`reason\` (\`${STORE_SETUP_REASON}\` when none is given); store staff's own changes are not.`;

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
        description: `Audited as \`store.create\` with the \`reason\` (\`${STORE_SETUP_REASON}\` when none is given).`,
        body: StoreBody,
        response: { 201: ok(ref(Store), 'Created, open', { Location: Headers.location }) },
      },
    },
    async (req, reply) => {
      const { reason, ...input } = req.body;
      const created = await stores.create(input, opsActOf(req, reason, STORE_SETUP_REASON));
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
        description: `\`store.update\`: ${AUDITED}`,
        params: Strict({ id: Uuid }),
        body: StorePatch,
        response: {
          200: ok(ref(Store), 'The store after the change'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => {
      const { expected_version, reason, ...patch } = req.body;
      const act = opsActOf(req, reason, STORE_SETUP_REASON);
      return stores.update(callerOf(req), req.params.id, patch, expected_version, act);
    },
  );

  for (const [action, status] of Object.entries(STORE_ACTIONS)) {
    app.post(
      `/v1/stores/:id/${action}`,
      {
        // Pausing a store is a setting of the platform for ops: an ops admin's (its staff may too).
        config: { auth: ['ops', 'store'], opsLevel: 'admin' },
        preValidation: optionalBody,
        schema: {
          tags: ['stores'],
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a store (status ${status})`,
          description: `\`store.${action}\`: ${AUDITED} The body may be left out.`,
          params: Strict({ id: Uuid }),
          body: Strict({ reason: OpsReason }),
          response: { 200: ok(ref(Store), `The store, now ${status}`) },
        },
      },
      async (req) =>
        stores.setStatus(
          callerOf(req),
          req.params.id,
          status,
          opsActOf(req, req.body.reason, STORE_SETUP_REASON),
        ),
    );
  }
}
