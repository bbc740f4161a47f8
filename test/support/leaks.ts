import { afterAll, beforeAll } from 'vitest';

/**
 * Fails a test file that leaves sockets, servers or child processes behind (an
 * unclosed pool, bus or Redis client). Compares the resources keeping the event loop
 * alive after the file's own teardown with those before its setup.
 */
// Timers are not watched: the workflow engine leaves the sleeps of workflows it stopped waiting
// for (they end by themselves within a minute), which would drown a real leak in noise.
const WATCHED = new Set(['TCPSocketWrap', 'TCPServerWrap', 'ProcessWrap', 'PipeWrap', 'TTYWrap']);

function counts(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo())
    if (WATCHED.has(r)) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

function leaked(before: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [type, n] of counts()) {
    const extra = n - (before.get(type) ?? 0);
    if (extra > 0) out.push(`${extra} × ${type}`);
  }
  return out;
}

let before = new Map<string, number>();
beforeAll(() => {
  before = counts();
});
afterAll(async () => {
  // Sockets close asynchronously after end(); give them a moment before calling it a leak.
  const until = Date.now() + 3000;
  let left = leaked(before);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = leaked(before);
  }
  if (left.length > 0) throw new Error(`test file leaked resources: ${left.join(', ')}`);
});
