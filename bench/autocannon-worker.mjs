// Load generator for bench/load.ts, run as its own process so autocannon never shares an event loop
// (or a CPU time slice inside one) with the server it measures. Plain JS: no tsx start-up cost.
// Input: one JSON argument { url, connections, duration, method, headers, body, paths? }; with
// `paths`, every request takes a random one of them (many distinct URLs, not one hot cache entry).
// Output: one JSON line on stdout.
import autocannon from 'autocannon';
import { latencyHistogram } from './histogram.mjs';

const opts = JSON.parse(process.argv[2] ?? '{}');

// autocannon's own latency histogram keeps whole milliseconds, which hides the difference between a
// 0.4 ms and a 0.9 ms p99: every 2xx response time goes into our microsecond HdrHistogram instead.
const latencies = latencyHistogram();

const instance = autocannon(
  {
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    body: opts.body,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
    ...(Array.isArray(opts.paths) && opts.paths.length > 0
      ? {
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({
                ...req,
                path: opts.paths[Math.floor(Math.random() * opts.paths.length)],
              }),
            },
          ],
        }
      : {}),
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
      ...latencies.summary(),
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
);

instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode < 200 || statusCode > 299) return;
  latencies.record(responseTime);
});
