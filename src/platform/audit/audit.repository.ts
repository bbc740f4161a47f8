import { type ColumnType, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Db } from '../db/pool.ts';

interface AuditLogTable {
  id: string;
  at: Date;
  actor_id: string;
  actor_email: string | null;
  actor_role: string;
  actor_level: string | null;
  action: string;
  target_type: string;
  target_id: string;
  reason: string;
  // Written as JSON text, read back parsed.
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  request_id: string | null;
  idempotency_key: string | null;
}

interface Tables {
  audit_log: AuditLogTable;
}

export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Omit<AuditRow, 'before' | 'after'> & {
  before: string | null;
  after: string | null;
};

/** What a list or an export is narrowed to; each bound is optional. */
export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** At or after. */
  from?: Date | undefined;
  /** Before. */
  to?: Date | undefined;
}

/** The last row of the previous page (newest first). */
export interface AuditKey {
  at: Date;
  id: string;
}

const auditDb = (db: Db) => db as unknown as Kysely<Tables>;

/** Writes a row in `db` (the caller's transaction); a repeat of one idempotent request writes none. */
export async function insertAuditRow(db: Db, row: NewAuditRow): Promise<void> {
  await auditDb(db)
    .insertInto('audit_log')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['actor_id', 'idempotency_key', 'action', 'target_type', 'target_id'])
        .where('idempotency_key', 'is not', null)
        .doNothing(),
    )
    .execute();
}

function matching(eb: ExpressionBuilder<Tables, 'audit_log'>, f: AuditFilter, after?: AuditKey) {
  const and = [];
  if (f.actorId !== undefined) and.push(eb('actor_id', '=', f.actorId));
  if (f.action !== undefined) and.push(eb('action', '=', f.action));
  if (f.targetType !== undefined) and.push(eb('target_type', '=', f.targetType));
  if (f.targetId !== undefined) and.push(eb('target_id', '=', f.targetId));
  if (f.from !== undefined) and.push(eb('at', '>=', f.from));
  if (f.to !== undefined) and.push(eb('at', '<', f.to));
  if (after)
    and.push(
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  return eb.and(and);
}

/** Rows matching `filter`, newest first, after `after` (the previous page's last row). */
export function auditRows(
  db: Db,
  filter: AuditFilter,
  limit: number,
  after?: AuditKey,
): Promise<AuditRow[]> {
  return auditDb(db)
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) => matching(eb, filter, after))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The entries about these targets (an order, its trip, its delivery) and about the workflows whose
 * ids start with `workflowPrefix` (an order's saga: `order:<id>:`), oldest first (index
 * audit_log_target).
 */
export function auditOfTargets(
  db: Db,
  ids: readonly string[],
  workflowPrefix: string,
  limit: number,
): Promise<AuditRow[]> {
  return auditDb(db)
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('target_id', '=', eb.fn.any(eb.val([...ids]))),
        eb.and([
          eb('target_type', '=', 'workflow'),
          eb('target_id', 'like', `${workflowPrefix.replace(/[\\%_]/g, '\\$&')}%`),
        ]),
      ]),
    )
    .orderBy('at')
    .orderBy('id')
    .limit(limit)
    .execute();
}
