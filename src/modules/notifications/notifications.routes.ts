import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { empty, ok } from '../../platform/http/contract.ts';
import { CursorParam, idCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { type NotificationRow, notificationsRepository } from './notifications.repository.ts';
import { NotificationPage } from './notifications.schemas.ts';

const NOTIFICATIONS_CURSOR = idCursor('notifications');

const view = (r: NotificationRow) => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  subject_id: r.subject_id,
  created_at: r.created_at.toISOString(),
  read: r.read_at !== null,
});

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
          cursor: CursorParam,
          unread: Type.Boolean({ default: false }),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: { 200: ok(NotificationPage, 'A page of notifications, newest first') },
      },
    },
    async (req) => {
      const p = req.principal;
      if (!p) throw new AppError('UNAUTHENTICATED', 'Sign in first');
      const { cursor, limit } = req.query;
      const rows = await repo.listFor({
        userId: p.id,
        role: p.role,
        before: cursor ? NOTIFICATIONS_CURSOR.decode(cursor) : undefined,
        unreadOnly: req.query.unread,
        limit: limit + 1,
      });
      return pageFrom(rows, limit, view, (r) => NOTIFICATIONS_CURSOR.encode(r.id));
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
        response: { 204: empty('Read (also when it already was)') },
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
