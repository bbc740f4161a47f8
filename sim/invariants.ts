import pg from 'pg';
import { PHASE_DEADLINES_S } from '../src/modules/orders/order-state.ts';

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** How many rows break it (0 when it holds). */
  violations: number;
  detail: string;
}

/** Grace beyond a phase deadline for the saga's timer to fire and act (it wakes at most every 60 s). */
const DEADLINE_GRACE_S = 90;

/**
 * The promises lastmile makes, checked in the system of record after a run. Each query counts the
 * rows that break one promise; every count must be 0.
 */
export async function checkInvariants(
  databaseUrl: string,
  opts: { acceptTimeoutS?: number } = {},
): Promise<InvariantResult[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const count = async (q: string, params: unknown[] = []) =>
      Number((await client.query<{ n: number }>(q, params)).rows[0]?.n ?? 0);
    const deadlines = {
      ...PHASE_DEADLINES_S,
      authorized: opts.acceptTimeoutS ?? PHASE_DEADLINES_S.authorized,
    };
    const statuses = Object.keys(deadlines);
    const limits = statuses.map((k) => deadlines[k as keyof typeof deadlines] ?? 3600);
    const checks: Array<[string, string, () => Promise<number>]> = [
      [
        'no_oversold_sku',
        'no stock row with reserved > on hand or a negative count',
        () =>
          count(
            'SELECT count(*)::int AS n FROM stock WHERE reserved > on_hand OR reserved < 0 OR on_hand < 0',
          ),
      ],
      [
        'no_order_past_its_deadline',
        'no order outside a terminal state longer than its phase deadline (plus the saga timer grace)',
        () =>
          count(
            `SELECT count(*)::int AS n FROM orders o JOIN unnest($1::text[], $2::int[]) AS d(status, limit_s) ON d.status = o.status
           WHERE o.status_at < now() - make_interval(secs => d.limit_s + $3)`,
            [statuses, limits, DEADLINE_GRACE_S],
          ),
      ],
      [
        'delivered_settled_once',
        'every delivered order is settled once: one capture of its final amount, or, when nothing it held was delivered (final amount 0), a void and no capture',
        () =>
          count(`SELECT count(*)::int AS n FROM orders o LEFT JOIN payments p ON p.order_id = o.id
               WHERE o.status = 'delivered' AND NOT coalesce(
                 (o.captured_minor > 0 AND p.captured_minor = o.captured_minor
                   AND (SELECT count(*) FROM payment_ledger l WHERE l.order_id = o.id AND l.kind = 'capture') = 1)
                 OR (o.captured_minor = 0 AND p.status = 'voided'
                   AND NOT EXISTS (SELECT 1 FROM payment_ledger l WHERE l.order_id = o.id AND l.kind = 'capture')),
                 false)`),
      ],
      [
        'no_double_capture',
        'no order captured twice',
        () =>
          count(
            `SELECT count(*)::int AS n FROM (SELECT order_id FROM payment_ledger WHERE kind = 'capture' GROUP BY order_id HAVING count(*) > 1) d`,
          ),
      ],
      [
        'canceled_voided_or_refunded',
        'every canceled or failed order holds no authorization and kept no money',
        () =>
          count(`SELECT count(*)::int AS n FROM orders o JOIN payments p ON p.order_id = o.id
               WHERE o.status IN ('canceled', 'failed') AND (p.authorized_minor > 0 OR p.captured_minor > p.refunded_minor)`),
      ],
      [
        'no_leaked_reservation',
        'no stock held for an order that has ended',
        () =>
          count(`SELECT count(*)::int AS n FROM reservations r JOIN orders o ON r.owner = 'order:' || o.id
               WHERE r.status = 'held' AND o.status IN ('delivered', 'canceled', 'failed')`),
      ],
      [
        'no_driver_with_two_trips',
        'no driver holding deliveries of two trips at once (a batch is one trip)',
        () =>
          count(`SELECT count(*)::int AS n FROM (SELECT driver_id FROM deliveries
               WHERE driver_id IS NOT NULL AND status IN ('assigned', 'at_store', 'picked_up', 'at_dropoff')
               GROUP BY driver_id HAVING count(DISTINCT trip_id) > 1) d`),
      ],
      [
        'ledger_reconciles',
        "every payment's amounts equal the sum of its ledger rows",
        () =>
          count(`SELECT count(*)::int AS n FROM payments p LEFT JOIN LATERAL (
                 SELECT coalesce(sum(amount_minor) FILTER (WHERE kind = 'capture'), 0) AS cap,
                        coalesce(sum(amount_minor) FILTER (WHERE kind = 'refund'), 0) AS ref
                 FROM payment_ledger l WHERE l.payment_id = p.id) l ON true
               WHERE p.captured_minor <> l.cap OR p.refunded_minor <> l.ref OR p.refunded_minor > p.captured_minor`),
      ],
    ];
    const out: InvariantResult[] = [];
    for (const [name, detail, q] of checks) {
      const violations = await q();
      out.push({ name, ok: violations === 0, violations, detail });
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Orders of the run that are not yet delivered, canceled or failed. */
export async function openOrders(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number(
      (
        await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders WHERE status NOT IN ('delivered', 'canceled', 'failed')`,
        )
      ).rows[0]?.n ?? 0,
    );
  } finally {
    await client.end();
  }
}
