import { uuidv7 } from 'uuidv7';
import type { Principal } from '../auth/principal.ts';
import { type Clock, perPlatform } from '../context.ts';
import type { Db } from '../db/pool.ts';
import { pageFrom, timeIdCursor } from '../http/page-cursor.ts';
import { csvLine } from './audit-csv.ts';
import { type AuditFilter, type AuditRow, auditRows, insertAuditRow } from './audit.repository.ts';

export type { AuditFilter } from './audit.repository.ts';

/** Who acts, why, and the request it came with: what every audited action is handed. */
export interface AuditAct {
  by: Principal;
  reason: string;
  requestId: string | null;
  idempotencyKey: string | null;
}

/**
 * What one action did. `action` is `<thing>.<verb>` (`webhook.delivery_retry`); `before` and
 * `after` are JSON state (null: nothing there), never personal data: an erasure would leave it in
 * the log.
 */
export interface AuditChange {
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
}

const AUDIT_CURSOR = timeIdCursor('audit');
/** Rows read per statement while an export streams. */
const EXPORT_BATCH = 500;

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export const auditView = (r: AuditRow) => ({
  id: r.id,
  at: r.at.toISOString(),
  actor: { id: r.actor_id, email: r.actor_email, role: r.actor_role, level: r.actor_level },
  action: r.action,
  target: { type: r.target_type, id: r.target_id },
  reason: r.reason,
  before: r.before ?? null,
  after: r.after ?? null,
  request_id: r.request_id,
  idempotency_key: r.idempotency_key,
});
export type AuditView = ReturnType<typeof auditView>;

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor_id',
  'actor_email',
  'actor_role',
  'actor_level',
  'action',
  'target_type',
  'target_id',
  'reason',
  'before',
  'after',
  'request_id',
  'idempotency_key',
] as const;

/**
 * The audit log of ops actions (platform, so the platform's own operator routes write to it as
 * the modules do). `record` writes inside the caller's transaction, so the row commits with the
 * change or not at all; a request repeated with its Idempotency-Key writes one row.
 */
export function auditLog(db: Db, clock: Clock) {
  return {
    async record(trx: Db, act: AuditAct, change: AuditChange): Promise<void> {
      await insertAuditRow(trx, {
        id: uuidv7(),
        at: new Date(clock.now()),
        actor_id: act.by.id,
        actor_email: act.by.email ?? null,
        actor_role: act.by.role,
        actor_level: act.by.opsLevel ?? null,
        action: change.action,
        target_type: change.target.type,
        target_id: change.target.id,
        reason: act.reason,
        before: json(change.before),
        after: json(change.after),
        request_id: act.requestId,
        idempotency_key: act.idempotencyKey,
      });
    },

    /** A page of entries, newest first (`cursor`: where the previous page ended). */
    async page(filter: AuditFilter, q: { cursor?: string | undefined; limit: number }) {
      const after = q.cursor ? AUDIT_CURSOR.decode(q.cursor) : undefined;
      const rows = await auditRows(db, filter, q.limit + 1, after);
      return pageFrom(rows, q.limit, auditView, (r) => AUDIT_CURSOR.encode(r.at, r.id));
    },

    /** Every entry matching `filter` as CSV lines (header first), newest first, read in batches. */
    async *csv(filter: AuditFilter): AsyncGenerator<string> {
      yield csvLine(AUDIT_CSV_COLUMNS);
      let after: { at: Date; id: string } | undefined;
      for (;;) {
        const rows = await auditRows(db, filter, EXPORT_BATCH, after);
        if (rows.length === 0) return;
        yield rows.map((r) => csvLine(AUDIT_CSV_COLUMNS.map((c) => r[c]))).join('');
        if (rows.length < EXPORT_BATCH) return;
        const last = rows[rows.length - 1] as AuditRow;
        after = { at: last.at, id: last.id };
      }
    },
  };
}

export type AuditLog = ReturnType<typeof auditLog>;

/** This platform's audit log. */
export const auditFor = perPlatform((ctx) => auditLog(ctx.db, ctx.clock));
