import { type Selectable, sql } from 'kysely';
import { withOutboxEvents } from '../../platform/bus/outbox.ts';
import { repeatsInBatch } from '../../platform/db/coalescer.ts';
import type { Db } from '../../platform/db/pool.ts';
import { PaymentEventDefs } from './payments.events.ts';
import {
  type LedgerTable,
  type PaymentStatus,
  type PaymentsDb,
  type PaymentsTable,
  paymentsDb,
} from './payments-tables.ts';

export type PaymentRow = Selectable<PaymentsTable>;
export type LedgerRow = Selectable<LedgerTable>;
export type NewLedgerRow = Omit<LedgerRow, 'created_at'>;
type NewPayment = Pick<
  PaymentRow,
  | 'id'
  | 'order_id'
  | 'status'
  | 'currency'
  | 'authorized_minor'
  | 'decline_reason'
  | 'provider'
  | 'provider_payment_id'
>;

/** One payment with the sums of its ledger rows, for reconciliation. */
export interface PaymentTotals extends PaymentRow {
  ledger_authorized: number;
  ledger_captured: number;
  ledger_refunded: number;
  ledger_currencies: string[];
}

/** The `payments.authorized` payload, built from the written row inside the statement. */
// Raw: reads the `changed` CTE of withOutboxEvents, which Kysely cannot name.
const AUTHORIZED_PAYLOAD = sql`jsonb_build_object('payment_id', changed.id, 'order_id', changed.order_id, 'status', changed.status,
  'currency', changed.currency, 'amount_minor', changed.authorized_minor, 'authorized_minor', changed.authorized_minor,
  'captured_minor', changed.captured_minor, 'refunded_minor', changed.refunded_minor, 'reason', NULL)`;

/** The changed payment's order id as text: its event's aggregate id and the key of its event id. */
// Raw: reads the `changed` CTE of withOutboxEvents, which Kysely cannot name.
const CHANGED_ORDER_ID = sql`changed.order_id::text`;

/**
 * Inserts the order's payment, or upgrades a `failed` one (the provider's outcome is now known) or
 * a `declined` one with the answer of another attempt (another provider payment: a retry with
 * another card). A declined row holds nothing, and the order allows one attempt at a time.
 */
const upsertQuery = (q: PaymentsDb, p: NewPayment | readonly NewPayment[]) =>
  q
    .insertInto('payments')
    .values(Array.isArray(p) ? [...p] : (p as NewPayment))
    .onConflict((oc) =>
      oc
        .column('order_id')
        .doUpdateSet({
          status: (eb) => eb.ref('excluded.status'),
          authorized_minor: (eb) => eb.ref('excluded.authorized_minor'),
          decline_reason: (eb) => eb.ref('excluded.decline_reason'),
          provider_payment_id: (eb) => eb.ref('excluded.provider_payment_id'),
          updated_at: (eb) => eb.fn('now'),
        })
        .where((eb) =>
          eb.or([
            eb('payments.status', '=', 'failed'),
            eb.and([
              eb('payments.status', '=', 'declined'),
              eb(
                'payments.provider_payment_id',
                'is distinct from',
                eb.ref('excluded.provider_payment_id'),
              ),
            ]),
          ]),
        ),
    )
    .returningAll();

/** An authorization to record: the payment, its ledger row and the id of its event. */
export interface AuthorizedItem {
  payment: NewPayment;
  ledger: { id: string; key: string; providerRef: string };
  eventId: string;
}

/**
 * Authorizations recorded in one statement: per order the payment (inserted, or upgraded from
 * failed), its ledger row and its `payments.authorized` event. Answers, per item, the row
 * written, or undefined when a settled row was already there (the caller reads it). An order
 * twice in the list is written by its first item only.
 */
async function upsertAuthorizedMany(db: Db, items: readonly AuthorizedItem[]) {
  const q = paymentsDb(db);
  const repeat = repeatsInBatch(items, (it) => it.payment.order_id);
  const first = items.filter((_, i) => !repeat[i]);
  const orderIds = first.map((it) => it.payment.order_id);
  // Raw: a data-modifying CTE over `changed` joined to a multi-array unnest (… AS l(order_id, …)).
  const ledgerRows = sql`ledger AS (
    INSERT INTO payment_ledger (id, payment_id, order_id, kind, amount_minor, currency, idempotency_key, provider_ref, reason)
    SELECT l.id, changed.id, changed.order_id, 'authorize', changed.authorized_minor, changed.currency, l.key, l.ref, NULL
    FROM changed JOIN unnest(${orderIds}::uuid[], ${first.map((it) => it.ledger.id)}::uuid[], ${first.map((it) => it.ledger.key)}::text[],
                             ${first.map((it) => it.ledger.providerRef)}::text[]) AS l(order_id, id, key, ref) ON l.order_id = changed.order_id
    ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1)`;
  const event = {
    def: PaymentEventDefs.AUTHORIZED,
    keys: orderIds,
    eventIds: first.map((it) => it.eventId),
  };
  const res = await withOutboxEvents<PaymentRow>(
    upsertQuery(
      q,
      first.map((it) => it.payment),
    ),
    event,
    CHANGED_ORDER_ID,
    CHANGED_ORDER_ID,
    AUTHORIZED_PAYLOAD,
    ledgerRows,
  ).execute(db);
  const byOrder = new Map(res.rows.map((r) => [r.order_id, r]));
  return items.map((it, i) => (repeat[i] ? undefined : byOrder.get(it.payment.order_id)));
}

/** Our payment rows. Amount changes are relative (`+`/`-`) so the CHECK constraint is the last word. */
export function paymentsRepository(db: Db) {
  const q = paymentsDb(db);
  return {
    findByOrder(orderId: string, opts: { lock?: boolean } = {}) {
      const query = q.selectFrom('payments').selectAll().where('order_id', '=', orderId);
      return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
    },

    /**
     * Records a payment, or settles one whose provider call had failed (status failed). Returns
     * undefined when another settled row is already there: the caller reads and returns it.
     */
    upsert(p: NewPayment) {
      return upsertQuery(q, p).executeTakeFirst();
    },

    upsertAuthorizedManyWithEvents: (items: readonly AuthorizedItem[]) =>
      upsertAuthorizedMany(db, items),

    /** Marks a payment whose provider call failed as voided, when nothing turned out to be held. */
    markVoided(id: string) {
      return q
        .updateTable('payments')
        .set((eb) => ({ status: 'voided', updated_at: eb.fn('now') }))
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .returningAll()
        .executeTakeFirst();
    },

    /** Applies a movement to the columns; the table's CHECK refuses anything that breaks the invariant. */
    move(
      id: string,
      m: {
        status: PaymentStatus | 'refund';
        captured?: number;
        released?: number;
        refunded?: number;
      },
    ) {
      return q
        .updateTable('payments')
        .set((eb) => ({
          status:
            m.status === 'refund'
              ? eb
                  .case()
                  .when(eb('refunded_minor', '+', m.refunded ?? 0), '=', eb.ref('captured_minor'))
                  .then<PaymentStatus>('refunded')
                  .else<PaymentStatus>('partially_refunded')
                  .end()
              : m.status,
          captured_minor: eb('captured_minor', '+', m.captured ?? 0),
          authorized_minor: eb('authorized_minor', '-', m.released ?? 0),
          refunded_minor: eb('refunded_minor', '+', m.refunded ?? 0),
          updated_at: eb.fn('now'),
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
