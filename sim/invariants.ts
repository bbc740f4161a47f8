import pg from 'pg';
import { PHASE_DEADLINES_S } from '../src/modules/orders/order-state.ts';
import { SETTINGS } from '../src/platform/config-settings.ts';

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** How many rows break it (0 when it holds). */
  violations: number;
  detail: string;
}

/** Grace beyond a phase deadline for the saga's timer to fire and act (it wakes at most every 60 s). */
const DEADLINE_GRACE_S = 90;

interface Invariant {
  name: string;
  detail: string;
  /** Counts the rows that break the promise, as `n`. */
  sql: string;
  params?: (opts: InvariantOptions) => unknown[];
}

interface InvariantOptions {
  /** The instance's LASTMILE_ACCEPT_TIMEOUT_S, when it is not the default. */
  acceptTimeoutS?: number;
  /** The instance's LASTMILE_PAYMENT_RETRY_GRACE_S, when it is not the default. */
  paymentRetryGraceS?: number | undefined;
}

/** Each phase's deadline as the instance runs it: statuses and seconds, for unnest(). */
function deadlineParams(opts: InvariantOptions): unknown[] {
  const deadlines = {
    ...PHASE_DEADLINES_S,
    authorized: opts.acceptTimeoutS ?? PHASE_DEADLINES_S.authorized,
    // A declined order ends with its retry grace, counted from its first decline: no later than
    // the grace after it last became payment_failed.
    payment_failed: opts.paymentRetryGraceS ?? SETTINGS.paymentRetryGraceS.default,
  };
  const statuses = Object.keys(deadlines);
  const limits = statuses.map((k) => deadlines[k as keyof typeof deadlines] ?? 3600);
  return [statuses, limits, DEADLINE_GRACE_S];
}

/** The promises lastmile makes, in the order the report lists them. */
const INVARIANTS: Invariant[] = [
  {
    name: 'no_oversold_sku',
    detail: 'no stock row with reserved > on hand or a negative count',
    sql: 'SELECT count(*)::int AS n FROM stock WHERE reserved > on_hand OR reserved < 0 OR on_hand < 0',
  },
  {
    name: 'no_order_past_its_deadline',
    detail:
      'no order outside a terminal state longer than its phase deadline (plus the saga timer grace)',
    sql: `SELECT count(*)::int AS n FROM orders o JOIN unnest($1::text[], $2::int[]) AS d(status, limit_s) ON d.status = o.status
           WHERE o.status_at < now() - make_interval(secs => d.limit_s + $3)`,
    params: deadlineParams,
  },
  {
    name: 'delivered_settled_once',
    detail:
      'every delivered order is settled once: one capture of its final amount, or, when nothing it held was delivered (final amount 0), a void and no capture',
    sql: `SELECT count(*)::int AS n FROM orders o LEFT JOIN payments p ON p.order_id = o.id
               WHERE o.status = 'delivered' AND NOT coalesce(
                 (o.captured_minor > 0 AND p.captured_minor = o.captured_minor
                   AND (SELECT count(*) FROM payment_ledger l WHERE l.order_id = o.id AND l.kind = 'capture') = 1)
                 OR (o.captured_minor = 0 AND p.status = 'voided'
                   AND NOT EXISTS (SELECT 1 FROM payment_ledger l WHERE l.order_id = o.id AND l.kind = 'capture')),
                 false)`,
  },
  {
    name: 'no_double_capture',
    detail: 'no order captured twice',
    sql: `SELECT count(*)::int AS n FROM (SELECT order_id FROM payment_ledger WHERE kind = 'capture' GROUP BY order_id HAVING count(*) > 1) d`,
  },
  {
    name: 'canceled_voided_or_refunded',
    detail: 'every canceled or failed order holds no authorization and kept no money',
    sql: `SELECT count(*)::int AS n FROM orders o JOIN payments p ON p.order_id = o.id
               WHERE o.status IN ('canceled', 'failed') AND (p.authorized_minor > 0 OR p.captured_minor > p.refunded_minor)`,
  },
  {
    name: 'no_leaked_reservation',
    detail: 'no stock held for an order that has ended',
    sql: `SELECT count(*)::int AS n FROM reservations r JOIN orders o ON r.owner = 'order:' || o.id
               WHERE r.status = 'held' AND o.status IN ('delivered', 'canceled', 'failed')`,
  },
  {
    name: 'no_driver_with_two_trips',
    detail: 'no driver holding deliveries of two trips at once (a batch is one trip)',
    sql: `SELECT count(*)::int AS n FROM (SELECT driver_id FROM deliveries
               WHERE driver_id IS NOT NULL AND status IN ('assigned', 'at_store', 'picked_up', 'at_dropoff')
               GROUP BY driver_id HAVING count(DISTINCT trip_id) > 1) d`,
  },
  {
    name: 'ledger_reconciles',
    detail: "every payment's amounts equal the sum of its ledger rows",
    sql: `SELECT count(*)::int AS n FROM payments p LEFT JOIN LATERAL (
                 SELECT coalesce(sum(amount_minor) FILTER (WHERE kind = 'capture'), 0) AS cap,
                        coalesce(sum(amount_minor) FILTER (WHERE kind = 'refund'), 0) AS ref
                 FROM payment_ledger l WHERE l.payment_id = p.id) l ON true
               WHERE p.captured_minor <> l.cap OR p.refunded_minor <> l.ref OR p.refunded_minor > p.captured_minor`,
  },
];

/**
 * The promises lastmile makes, checked in the system of record after a run. Each query counts the
 * rows that break one promise; every count must be 0.
 */
export async function checkInvariants(
  databaseUrl: string,
  opts: InvariantOptions = {},
): Promise<InvariantResult[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out: InvariantResult[] = [];
    for (const { name, detail, sql, params } of INVARIANTS) {
      const res = await client.query<{ n: number }>(sql, params?.(opts) ?? []);
      const violations = Number(res.rows[0]?.n ?? 0);
      out.push({ name, ok: violations === 0, violations, detail });
    }
    return out;
  } finally {
    await client.end();
  }
}

/**
 * The invariants once the work a last step started has settled: a delivery handed over as the
 * audit begins is captured (and its stock confirmed) a moment later, by the saga. So a check that
 * finds a broken promise looks again, `everyMs` apart, up to `tries` times; what is still broken
 * then is reported. (A courier finishing a trip after the drain's end met this race.)
 */
export async function settledInvariants(
  check: () => Promise<InvariantResult[]>,
  { tries = 15, everyMs = 2000 } = {},
): Promise<InvariantResult[]> {
  let results = await check();
  for (let i = 1; i < tries && results.some((r) => !r.ok); i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    results = await check();
  }
  return results;
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
