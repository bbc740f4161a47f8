/**
 * Polls until `check` returns a truthy value, and returns it. The deadline only keeps a broken
 * system from hanging the run: tests wait on conditions, never on fixed sleeps, and never assert
 * how long something took. A check that throws counts as "not yet"; its last error is reported
 * if the deadline passes.
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  label = 'condition',
  intervalMs = 25,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${label}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
