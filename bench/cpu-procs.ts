import fs from 'node:fs';

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU time used so far, in ms: this process, and every process named `postgres` or `nats-server`. */
export interface CpuTotals {
  node: number;
  postgres: number;
  nats: number;
}

/** Linux only (reads /proc); elsewhere the database and NATS figures stay 0. */
export function cpuTotals(): CpuTotals {
  const own = process.cpuUsage();
  const totals = { node: (own.user + own.system) / 1000, postgres: 0, nats: 0 };
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const kind = name.startsWith('postgres') ? 'postgres' : name === 'nats-server' ? 'nats' : null;
    if (!kind) continue;
    // After the name: state is field 3; utime, stime, cutime, cstime are fields 14–17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    totals[kind] += (ticks * 1000) / TICKS_PER_S;
  }
  return totals;
}

/** CPU used between two readings. */
export const cpuSince = (before: CpuTotals, after: CpuTotals = cpuTotals()): CpuTotals => ({
  node: after.node - before.node,
  postgres: after.postgres - before.postgres,
  nats: after.nats - before.nats,
});
