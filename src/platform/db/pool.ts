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

export function createDatabase(
  url: string,
  opts: { poolSize?: number; applicationName?: string; synchronousCommit?: boolean } = {},
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    application_name: opts.applicationName ?? 'lastmile',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(opts.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
  });
  // A connection dropped by the server (restart, pg_terminate_backend) must not crash the process:
  // the pool discards it and the next query opens a fresh one.
  pool.on('error', () => {});
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
