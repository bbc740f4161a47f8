// Load generator for bench/nearby.bench.ts: like autocannon-worker.mjs, but every request takes a
// random path from a pre-generated list (customer points, stores, search words), so the server
// sees many distinct URLs instead of one hot cache entry. Run as its own process.
// Input: one JSON argument { url, paths, connections, duration }. Output: one JSON line on stdout.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] ?? '{}');
const paths = opts.paths;
if (!Array.isArray(paths) || paths.length === 0) {
  process.stderr.write('paths: a non-empty list is required\n');
  process.exit(1);
}

// 2xx response times in 10 µs buckets (autocannon's own histogram keeps whole milliseconds).
const BUCKET_MS = 0.01;
const buckets = new Uint32Array(1_000_000);
let recorded = 0;

function percentile(q) {
  const rank = Math.ceil(q * recorded);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank && seen > 0) return (i + 1) * BUCKET_MS;
  }
  return 0;
}

const instance = autocannon(
  {
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }],
  },
  (err, result) => {
    if (err) {
      process.stderr.write(`${err.stack ?? err}\n`);
      process.exit(1);
    }
    const out = {
      rps: result.requests.average,
      total: result.requests.total,
      duration_s: result.duration,
      p50_ms: percentile(0.5),
      p90_ms: percentile(0.9),
      p99_ms: percentile(0.99),
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
);

instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode < 200 || statusCode > 299) return;
  const i = Math.min(buckets.length - 1, Math.floor(responseTime / BUCKET_MS));
  buckets[i]++;
  recorded++;
});
