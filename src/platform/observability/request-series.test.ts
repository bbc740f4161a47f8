import { describe, expect, it } from 'vitest';
import {
  addDuration,
  mergeSketch,
  newSketch,
  quantile,
  RELATIVE_ACCURACY,
} from './latency-sketch.ts';
import { createRequestSeries } from './request-series.ts';

const MINUTE = 60_000;
/** 12:00:00 UTC on a day: the start of a minute. */
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** Within the sketch's accuracy of `want`. */
const near = (got: number | null, want: number) => {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - want) / want).toBeLessThanOrEqual(RELATIVE_ACCURACY);
};

describe('the latency sketch', () => {
  it('answers the nearest-rank p99 within 1 %, however wide the durations', () => {
    const s = newSketch();
    // 1..1000 ms: the 990th of 1000 is 990.
    for (let ms = 1; ms <= 1000; ms++) addDuration(s, ms);
    near(quantile(s, 0.99), 990);
    near(quantile(s, 0.5), 500);
    expect(quantile(s, 1)).toBeLessThanOrEqual(1000);
    near(quantile(s, 1), 1000);

    // 98 fast answers and two slow ones: p99 is the first slow one.
    const t = newSketch();
    for (let i = 0; i < 98; i++) addDuration(t, 0.4);
    addDuration(t, 250);
    addDuration(t, 4000);
    near(quantile(t, 0.99), 250);
    near(quantile(t, 0.5), 0.4);
    expect(quantile(newSketch(), 0.99)).toBeNull();
  });

  it('merges: the p99 of two sketches is that of all their durations', () => {
    const a = newSketch();
    const b = newSketch();
    for (let ms = 1; ms <= 50; ms++) addDuration(a, ms);
    for (let ms = 51; ms <= 100; ms++) addDuration(b, ms);
    mergeSketch(a, b);
    expect(a.count).toBe(100);
    near(quantile(a, 0.99), 99);
    // Under a microsecond counts as nothing.
    const z = newSketch();
    addDuration(z, 0);
    expect(quantile(z, 0.99)).toBe(0);
  });
});

describe('the request series', () => {
  it('counts requests, 4xx and 5xx per route and minute, with the p99 of each minute and of the hour', () => {
    let now = T0 + 5_000;
    const series = createRequestSeries({ now: () => now });
    // Minute 0: GET /v1/things/:id answers 100 times, 1..100 ms; two 404s and a 500 among them.
    for (let i = 1; i <= 100; i++) {
      const status = i === 10 || i === 20 ? 404 : i === 30 ? 500 : 200;
      series.request('GET', '/v1/things/:id', status, i);
    }
    series.request('POST', '/v1/things', 201, 7);
    // Minute 2: ten slow ones.
    now = T0 + 2 * MINUTE + 1;
    for (let i = 0; i < 10; i++) series.request('GET', '/v1/things/:id', 503, 2000);

    const view = series.read(60);
    expect(view.minutes).toBe(60);
    expect(view.bucket_s).toBe(60);
    expect(view.from).toBe(new Date(T0 + 2 * MINUTE - 59 * MINUTE).toISOString());
    const [things, post] = view.routes;
    expect(things).toMatchObject({ method: 'GET', route: '/v1/things/:id' });
    expect(things?.total).toMatchObject({ requests: 110, errors_4xx: 2, errors_5xx: 11 });
    // The last three minutes, oldest first.
    expect(things?.requests.slice(-3)).toEqual([100, 0, 10]);
    expect(things?.errors_4xx.slice(-3)).toEqual([2, 0, 0]);
    expect(things?.errors_5xx.slice(-3)).toEqual([1, 0, 10]);
    near(things?.p99_ms.at(-3) ?? null, 99);
    expect(things?.p99_ms.at(-2)).toBeNull();
    near(things?.p99_ms.at(-1) ?? null, 2000);
    // Over the hour: 110 durations, rank 109 is one of the slow ones.
    near(things?.total.p99_ms ?? null, 2000);
    expect(post).toMatchObject({ method: 'POST', route: '/v1/things' });
    expect(post?.total).toMatchObject({ requests: 1, errors_4xx: 0, errors_5xx: 0 });
    expect(view.all.total).toMatchObject({ requests: 111, errors_4xx: 2, errors_5xx: 11 });
    expect(view.all.requests.slice(-3)).toEqual([101, 0, 10]);
    expect(view.all.requests.reduce((a, b) => a + b, 0)).toBe(111);
  });

  it('forgets a minute older than the window when its slot comes round again', () => {
    let now = T0;
    const series = createRequestSeries({ now: () => now, minutes: 60 });
    series.request('GET', '/a', 200, 1);
    now = T0 + 59 * MINUTE;
    series.request('GET', '/a', 200, 1);
    expect(series.read(60).routes[0]?.total.requests).toBe(2);
    // An hour later the first minute's slot holds the new minute; the old count is gone.
    now = T0 + 60 * MINUTE;
    series.request('GET', '/a', 200, 1);
    expect(series.read(60).routes[0]?.total.requests).toBe(2);
    expect(series.read(1).routes[0]?.total.requests).toBe(1);
    // Nothing for an hour: nothing in the window.
    now = T0 + 200 * MINUTE;
    expect(series.read(60).routes).toEqual([]);
    expect(series.read(60).all.requests.every((n) => n === 0)).toBe(true);
  });

  it('counts rate-limit refusals by policy and tier', () => {
    let now = T0;
    const series = createRequestSeries({ now: () => now });
    series.rateLimited('search', 'anonymous');
    series.rateLimited('search', 'anonymous');
    series.rateLimited('default', 'free');
    now = T0 + MINUTE;
    series.rateLimited('search', 'anonymous');
    const r = series.read(2).rate_limited;
    expect(r).toEqual([
      { policy: 'search', tier: 'anonymous', rejections: 3, per_minute: [2, 1] },
      { policy: 'default', tier: 'free', rejections: 1, per_minute: [1, 0] },
    ]);
  });
});
