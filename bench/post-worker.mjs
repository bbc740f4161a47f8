// Load generator for POST requests that need a fresh Idempotency-Key and body each time (which
// autocannon cannot vary per request): `connections` loops of fetch for `duration` seconds.
// Input: a JSON file path (see runWorker in load.ts); output: one JSON line with counts and latency percentiles (ms).
import fs from 'node:fs';
import { latencyHistogram } from './histogram.mjs';

const opts = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { url, tokens, storeId, productIds, connections, duration, card, keyPrefix } = opts;

const latencies = latencyHistogram();
const outcome = { created: 0, authorized: 0, non2xx: 0, errors: 0 };
const statusCounts = {};
let seq = 0;
const until = performance.now() + duration * 1000;

async function loop(worker) {
  while (performance.now() < until) {
    const n = seq++;
    const body = JSON.stringify({
      store_id: storeId,
      lines: [{ product_id: productIds[n % productIds.length], quantity: 1 }],
      delivery: { lat: opts.lat, lng: opts.lng, address: 'Benchmark street 1' },
      payment: { card_token: card },
    });
    const t0 = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens[(worker + n) % tokens.length]}`,
          'idempotency-key': `${keyPrefix}-${n}`,
        },
        body,
      });
      const json = await res.json();
      latencies.record(performance.now() - t0);
      statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
      if (res.status === 201) {
        outcome.created++;
        if (json?.payment?.status === 'authorized') outcome.authorized++;
      } else outcome.non2xx++;
    } catch {
      outcome.errors++;
    }
  }
}

await Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));
process.stdout.write(
  `${JSON.stringify({ ...outcome, statusCounts, total: latencies.count, ...latencies.summary(), seconds: duration })}\n`,
);
