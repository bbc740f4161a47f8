import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { notificationsRepository } from './notifications.repository.ts';

export async function notificationsRoutes(scope: FastifyInstance, db: Db): Promise<void> {
  const app = typed(scope);
  const repo = notificationsRepository(db);

  app.get(
    '/v1/notifications',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first',
        querystring: Strict({
          before: Type.Optional(Uuid),
          unread: Type.Boolean({ default: false }),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
      },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in first');
      const rows = await repo.listFor({
        userId: p.id,
        role: p.role,
        before: req.query.before,
        unreadOnly: req.query.unread,
        limit: req.query.limit,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          body: r.body,
          subject_id: r.subject_id,
          created_at: r.created_at.toISOString(),
          read: r.read_at !== null,
        })),
        next_before: rows.length === req.query.limit ? (rows.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.post(
    '/v1/notifications/:id/read',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'], idempotency: 'off' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notification read',
        params: Strict({ id: Uuid }),
      },
    },
    async (req, reply) => {
      const p = req.principal;
      if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in first');
      if (!(await repo.markRead(req.params.id, p.id, p.role)))
        throw new AppError('NOT_FOUND', `No notification ${req.params.id}`);
      return reply.code(204).send();
    },
  );
}
