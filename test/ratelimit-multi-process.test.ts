import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { freePort, type LastmileProcess, processEnv, spawnLastmile } from './support/processes.ts';
import { describeWithServices, natsUrl, redisUrl, testNamespace } from './support/services.ts';

/**
 * Three API processes share one budget through Redis: requests from one caller spread over all
 * three, many at once, and the number admitted stays at the limit.
 */
const services = { nats: natsUrl(), redis: redisUrl() };

describeWithServices('rate limits across processes', services, () => {
  const procs: LastmileProcess[] = [];
  let tdb: TestDatabase | undefined;
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await tdb?.drop();
  });

  it('three API processes admit the limit between them, not three times it', async () => {
    tdb = await createTestDatabase();
    const LIMIT = 300;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lastmile-rl-')), 'rate-limits.json');
    writeFileSync(
      file,
      JSON.stringify({
        on_redis_failure: 'local',
        role_tiers: { anonymous: 'anonymous' },
        tiers: { anonymous: { algorithm: 'sliding_window', limit: LIMIT, window_s: 600 } },
        routes: [],
        exempt: ['GET /metrics'],
      }),
    );
    // This test is about one budget shared through Redis: a check is given time to reach it even
    // when the whole suite loads the machine (falling back is ratelimit-failure.test.ts's subject).
    const env = processEnv(tdb.url, {
      LASTMILE_NAMESPACE: testNamespace('rlmp'),
      LASTMILE_RATE_LIMITS: file,
      LASTMILE_RATE_LIMIT_TIMEOUT_MS: '1000',
    });
    const ports = [await freePort(), await freePort(), await freePort()];
    procs.push(
      ...(await Promise.all(
        ports.map((port, i) =>
          spawnLastmile(['--role', 'api', '--port', String(port)], {
            ...env,
            LASTMILE_INSTANCE_ID: `rl-api-${i}`,
          }),
        ),
      )),
    );
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);

    // 900 requests, 30 at a time per process, round-robin over the three.
    const N = 900;
    let next = 0;
    const statuses: number[] = [];
    /** Answers other than 200 and 429, by status and problem code. */
    const other = new Map<string, number>();
    const sources = new Set<string>();
    async function lane(base: string) {
      for (;;) {
        const i = next++;
        if (i >= N) return;
        const res = await fetch(`${base}/v1/categories`);
        statuses.push(res.status);
        const body = await res.text();
        if (res.status !== 200 && res.status !== 429) {
          const code = res.headers.get('content-type')?.includes('json')
            ? (JSON.parse(body) as { code?: string }).code
            : body.slice(0, 40);
          const key = `${res.status} ${code}`;
          other.set(key, (other.get(key) ?? 0) + 1);
        }
      }
    }
    await Promise.all(bases.flatMap((b) => Array.from({ length: 30 }, () => lane(b))));
    const refused = statuses.filter((s) => s === 429).length;
    // A request the limiter let through may still be shed further on when the machine is saturated
    // (503 OVERLOADED or DEPENDENCY_UNAVAILABLE, a problem with a code); it used the budget all the
    // same. Anything else is a defect.
    const shed = [...other.keys()].filter(
      (k) => !/^503 (OVERLOADED|DEPENDENCY_UNAVAILABLE)$/.test(k),
    );
    expect(shed, JSON.stringify(Object.fromEntries(other))).toEqual([]);
    const admitted = N - refused;
    // Exactly the limit when every check reaches Redis; within 3 % if some fell back to local shares.
    expect(Math.abs(admitted - LIMIT)).toBeLessThanOrEqual(LIMIT * 0.03);
    for (const base of bases) {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      for (const m of metrics.matchAll(
        /lastmile_ratelimit_decisions_total\{[^}]*source="(\w+)"\} (\d+)/g,
      ))
        sources.add(`${m[1]}`);
    }
    expect(sources.has('redis')).toBe(true);
    process.stdout.write(
      `rate limit across 3 processes: ${admitted} of ${N} admitted for a limit of ${LIMIT}; decided by ${[...sources].join(', ')}; other answers ${JSON.stringify(Object.fromEntries(other))}\n`,
    );
  });
});
