import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { NotificationsTable } from './notifications.repository.ts';

/** The notifications about these subjects, oldest first (index notifications_subject). */
export function notificationsAbout(db: Db, subjects: readonly string[], limit: number) {
  const q = db as unknown as Kysely<{ notifications: NotificationsTable }>;
  return q
    .selectFrom('notifications')
    .selectAll()
    .where('subject_id', '=', (eb) => eb.fn.any(eb.val([...subjects])))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}
