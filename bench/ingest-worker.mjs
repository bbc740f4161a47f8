// Load generator for location uploads: `connections` loops, each taking the next simulated driver
// in turn and posting a batch of `batch` points, one second apart, moving at street speed. Every
// driver keeps its own position and clock, so every point is valid and in order.
// Input: one JSON argument; output: one JSON line with counts and latency percentiles (ms).
import fs from 'node:fs';
import { latencyHistogram } from './histogram.mjs';
import { jsonPoster } from './phones.mjs';

// The options (with 20k tokens) come in a file: too big for a command line.
const opts = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { url, tokens, connections, duration, batch, centre, startAt } = opts;
const phones = jsonPoster(url, connections);
const path = new URL(url).pathname;

const n = tokens.length;
const lat = new Float64Array(n);
const lng = new Float64Array(n);
const at = new Float64Array(n);
let rnd = 12345;
const random = () => {
  rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
  return rnd / 0x7fffffff;
};
for (let i = 0; i < n; i++) {
  lat[i] = centre.lat + (random() - 0.5) * 0.2;
  lng[i] = centre.lng + (random() - 0.5) * 0.3;
  at[i] = startAt;
}

const latencies = latencyHistogram();
const out = { requests: 0, points: 0, accepted: 0, dropped: 0, shed: 0, non2xx: 0, errors: 0 };
let next = 0;
const until = performance.now() + duration * 1000;

async function loop() {
  while (performance.now() < until) {
    const d = next++ % n;
    const points = [];
    for (let k = 0; k < batch; k++) {
      at[d] += 1000;
      lat[d] += (random() - 0.5) * 0.0001;
      lng[d] += (random() - 0.5) * 0.0001;
      points.push({
        lat: lat[d],
        lng: lng[d],
        accuracy_m: 8,
        speed_mps: 5,
        recorded_at: new Date(at[d]).toISOString(),
      });
    }
    const body = JSON.stringify({ points });
    const t0 = performance.now();
    const res = await phones.post(path, tokens[d], body);
    if (res.status === 0) {
      out.errors++;
      continue;
    }
    latencies.record(performance.now() - t0);
    out.requests++;
    out.points += batch;
    if (res.status === 200) {
      const r = JSON.parse(res.text);
      out.accepted += r.accepted;
      out.dropped += r.dropped.out_of_order + r.dropped.impossible_jump;
    } else if (res.status === 503) out.shed++;
    else out.non2xx++;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, () => loop()));
const seconds = (performance.now() - started) / 1000;
phones.close();
process.stdout.write(`${JSON.stringify({ ...out, seconds, ...latencies.summary() })}\n`);
