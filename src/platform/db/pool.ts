import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

// Postgres BIGINT (int8) and NUMERIC come back as strings by default; counts and money in minor
// units fit comfortably in a JS number, so parse int8 here once.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

// Each repository narrows this to the tables it owns, declared beside its statements (`XTable`
// interfaces: `identity.repository.ts`, `bus/outbox.repository.ts`); the platform itself never
// names a module's table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the platform-wide handle is deliberately untyped
export type Db = Kysely<any>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  poolSize?: number;
  applicationName?: string;
  synchronousCommit?: boolean;
  /** Session limits: a statement, a lock wait, an idle open transaction (ms). */
  timeouts?: { statementMs: number; lockMs: number; idleInTransactionMs?: number };
  /** Told about connections the server dropped while idle in the pool. */
  onError?: (err: Error) => void;
}

/** Connection startup options: set before the first query, on every connection. */
function startupOptions(opts: DatabaseOptions): string | undefined {
  const out: string[] = [];
  if (opts.synchronousCommit === false) out.push('-c synchronous_commit=off');
  const t = opts.timeouts;
  if (t) {
    out.push(`-c statement_timeout=${t.statementMs}`, `-c lock_timeout=${t.lockMs}`);
    out.push(`-c idle_in_transaction_session_timeout=${t.idleInTransactionMs ?? 60_000}`);
  }
  return out.length > 0 ? out.join(' ') : undefined;
}

export function createDatabase(url: string, opts: DatabaseOptions = {}): Database {
  const options = startupOptions(opts);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    application_name: opts.applicationName ?? 'lastmile',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(options ? { options } : {}),
  });
  // A connection dropped by the server (restart, pg_terminate_backend) must not crash the process:
  // the pool discards it and the next query opens a fresh one. It is worth a line in the log.
  pool.on('error', (err) => opts.onError?.(err));
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    pool,
    db,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** Throws when the database cannot answer (readiness checks). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
