import type { Generated, Kysely, Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

export interface NotificationsTable {
  id: string;
  recipient_user_id: string | null;
  recipient_role: string | null;
  kind: string;
  title: string;
  body: string;
  event_id: string;
  subject_id: string | null;
  created_at: Generated<Date>;
  read_at: Date | null;
}

interface Tables {
  notifications: NotificationsTable;
}

export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotification = Omit<NotificationRow, 'created_at' | 'read_at'>;

export function notificationsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    insert(rows: NewNotification[]) {
      return rows.length === 0
        ? Promise.resolve()
        : q.insertInto('notifications').values(rows).execute();
    },
    listFor(p: {
      userId: string;
      role: string;
      before?: string;
      unreadOnly: boolean;
      limit: number;
    }) {
      let query = q
        .selectFrom('notifications')
        .selectAll()
        .where((eb) =>
          eb.or([eb('recipient_user_id', '=', p.userId), eb('recipient_role', '=', p.role)]),
        )
        .orderBy('id', 'desc')
        .limit(p.limit);
      if (p.before) query = query.where('id', '<', p.before);
      if (p.unreadOnly) query = query.where('read_at', 'is', null);
      return query.execute();
    },
    async markRead(id: string, userId: string, role: string): Promise<boolean> {
      const r = await q
        .updateTable('notifications')
        .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.fn<Date>('now')) }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('recipient_user_id', '=', userId), eb('recipient_role', '=', role)]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
