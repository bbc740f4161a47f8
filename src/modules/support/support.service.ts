import { uuidv7 } from 'uuidv7';
import { type AuditAct, type AuditLog, auditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { systemClock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { idCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import {
  SupportEventDefs,
  type TicketEventDefinition,
  type TicketEventPayload,
} from './support.events.ts';
import { supportRepository, type TicketRow, type TicketStatus } from './support.repository.ts';

const TICKETS_CURSOR = idCursor('tickets');
const OLDEST_CURSOR = idCursor('tickets-oldest');

export interface TicketListQuery {
  status?: TicketStatus;
  /** Open or escalated. */
  unresolved?: boolean;
  order_id?: string;
  sort?: 'newest' | 'oldest';
  cursor?: string;
  limit: number;
}

export interface TicketView {
  id: string;
  status: TicketStatus;
  subject: string;
  message: string;
  order_id: string | null;
  opened_by: string;
  opener_role: string;
  created_at: string;
  escalated_at: string | null;
  resolved_at: string | null;
  resolution: string | null;
  version: number;
}

const view = (t: TicketRow): TicketView => ({
  id: t.id,
  status: t.status,
  subject: t.subject,
  message: t.message,
  order_id: t.order_id,
  opened_by: t.opened_by,
  opener_role: t.opener_role,
  created_at: t.created_at.toISOString(),
  escalated_at: t.escalated_at?.toISOString() ?? null,
  resolved_at: t.resolved_at?.toISOString() ?? null,
  resolution: t.resolution,
  version: t.version,
});

const payload = (t: TicketRow): TicketEventPayload => ({
  ticket_id: t.id,
  opened_by: t.opened_by,
  opener_role: t.opener_role,
  subject: t.subject,
  order_id: t.order_id,
  status: t.status,
  version: t.version,
});

const canSee = (p: Principal, t: TicketRow) => p.role === 'ops' || t.opened_by === p.id;

/** The opener of the tickets lastmile raises itself (role `system`): only ops sees them. */
export const SYSTEM_OPENER = '00000000-0000-7000-8000-000000000000';

/** Opens a ticket once per opener and client key (a repeat finds the first). */
async function openTicket(
  db: Db,
  opener: { id: string; role: string },
  input: { subject: string; message: string; order_id?: string | null | undefined },
  clientKey: string | null,
): Promise<{ ticket: TicketView; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const tx = supportRepository(trx);
    const row = await tx.insert({
      id: uuidv7(),
      opened_by: opener.id,
      opener_role: opener.role,
      order_id: input.order_id ?? null,
      subject: input.subject,
      message: input.message,
      client_key: clientKey,
    });
    if (!row) {
      const existing = clientKey ? await tx.findByClientKey(opener.id, clientKey) : undefined;
      if (!existing) throw new AppError('CONFLICT', 'The ticket could not be opened; retry');
      return { ticket: view(existing), created: false };
    }
    await writeOutbox(trx, [
      declaredEvent(SupportEventDefs.TICKET_OPENED, payload(row), { aggregateId: row.id }),
    ]);
    return { ticket: view(row), created: true };
  });
}

/** What the audit log keeps of a ticket: its state, never its text (it may name people). */
const auditState = (t: TicketRow) => ({ status: t.status, version: t.version });

/** Applies a transition and its event in one transaction; a no-op when the ticket already moved. */
async function transitionTicket(
  db: Db,
  audit: AuditLog,
  id: string,
  from: TicketStatus[],
  to: TicketStatus,
  def: TicketEventDefinition,
  resolution?: string,
  act?: { act: AuditAct; action: string },
) {
  return db.transaction().execute(async (trx) => {
    const tx = supportRepository(trx);
    const before = act && (await tx.find(id));
    const row = await tx.transition(id, from, to, resolution);
    if (row) await writeOutbox(trx, [declaredEvent(def, payload(row), { aggregateId: row.id })]);
    if (row && act)
      await audit.record(trx, act.act, {
        action: act.action,
        target: { type: 'ticket', id },
        before: before ? auditState(before) : null,
        after: auditState(row),
      });
    return row;
  });
}

export function supportService(db: Db, audit: AuditLog = auditLog(db, systemClock)) {
  const repo = supportRepository(db);

  const transition = transitionTicket.bind(null, db, audit);

  return {
    open: (
      by: Principal,
      input: { subject: string; message: string; order_id?: string | undefined },
      clientKey: string | null,
    ) => openTicket(db, by, input, clientKey),

    /**
     * A ticket lastmile raises for ops about something that happened (an event): `key` names the
     * occurrence, so a redelivered event finds its ticket instead of opening another.
     */
    async raise(input: {
      subject: string;
      message: string;
      order_id: string | null;
      key: string;
    }): Promise<TicketView> {
      const opener = { id: SYSTEM_OPENER, role: 'system' };
      const { ticket } = await openTicket(db, opener, input, input.key);
      return ticket;
    },

    async get(by: Principal, id: string): Promise<TicketView> {
      const row = await repo.find(id);
      // Someone else's ticket is reported as missing, so ids cannot be probed.
      if (!row || !canSee(by, row)) throw new AppError('NOT_FOUND', `No ticket ${id}`);
      return view(row);
    },

    /**
     * A page of the tickets `by` may see, newest first or oldest first (ops' queue: the longest
     * waiting first); `cursor`: the previous page's last, of the same order.
     */
    async list(by: Principal, q: TicketListQuery) {
      const oldestFirst = q.sort === 'oldest';
      const cursor = oldestFirst ? OLDEST_CURSOR : TICKETS_CURSOR;
      const from = q.cursor ? cursor.decode(q.cursor) : undefined;
      const rows = await repo.list({
        status: q.status,
        unresolved: q.unresolved,
        orderId: q.order_id,
        oldestFirst,
        ...(oldestFirst ? { after: from } : { before: from }),
        limit: q.limit + 1,
        ...(by.role === 'ops' ? {} : { openedBy: by.id }),
      });
      return pageFrom(rows, q.limit, view, (t) => cursor.encode(t.id));
    },

    /** By ops: written to the audit log (`ticket.resolve`) with `act`'s reason. */
    async resolve(id: string, resolution: string, act: AuditAct): Promise<TicketView> {
      const row = await transition(
        id,
        ['open', 'escalated'],
        'resolved',
        SupportEventDefs.TICKET_RESOLVED,
        resolution,
        { act, action: 'ticket.resolve' },
      );
      if (row) return view(row);
      const current = await repo.find(id);
      if (!current) throw new AppError('NOT_FOUND', `No ticket ${id}`);
      throw new AppError('CONFLICT', `Ticket ${id} is already ${current.status}`);
    },

    /** Escalates a ticket still open; returns whether this call did it. Safe to repeat. */
    async escalateIfOpen(id: string): Promise<boolean> {
      return (
        (await transition(id, ['open'], 'escalated', SupportEventDefs.TICKET_ESCALATED)) !==
        undefined
      );
    },
  };
}

export type SupportService = ReturnType<typeof supportService>;
