// Load generator for live tracking: opens `subscribers` WebSockets spread over the orders, then
// has every driver post its position once a second, and measures the time from each POST to the
// position's arrival at each subscriber of that driver's order.
// Input: a JSON file path; output: one JSON line with counts and latency percentiles (ms).
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { latencyHistogram } from './histogram.mjs';
import { everySecond, jsonPoster } from './phones.mjs';

const opts = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { base, opsToken, orders, drivers, subscribers, duration } = opts;
// `bare`: the baseline server (tracking-bare.ts), same messages, no credentials.
const bare = opts.mode === 'bare';
const phones = jsonPoster(base, 64);

let latencies = latencyHistogram();
let received = 0;
let connectErrors = 0;
let postErrors = 0;
const sockets = [];

function open(orderId) {
  return new Promise((resolve) => {
    const ws = bare
      ? new WebSocket(`${base.replace('http', 'ws')}/orders/${orderId}/track`)
      : new WebSocket(`${base.replace('http', 'ws')}/v1/orders/${orderId}/track`, {
          headers: { authorization: `Bearer ${opsToken}` },
        });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'position') {
        latencies.record(Date.now() - Date.parse(m.at));
        received++;
      }
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', () => {
      connectErrors++;
      resolve(null);
    });
  });
}

for (let i = 0; i < subscribers; i += 200) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(200, subscribers - i) }, (_, k) =>
      open(orders[(i + k) % orders.length]),
    ),
  );
  for (const ws of batch) if (ws) sockets.push(ws);
}
// Let every snapshot arrive before measuring.
await sleep(1000);
latencies = latencyHistogram();
received = 0;

const started = Date.now();
await everySecond(
  drivers,
  () => Date.now() - started >= duration * 1000,
  async (d, second) => {
    const body = JSON.stringify({
      points: [
        {
          lat: d.lat + second * 0.00005,
          lng: d.lng,
          accuracy_m: 5,
          recorded_at: new Date().toISOString(),
        },
      ],
    });
    const path = bare ? `/drivers/${d.id}/locations` : '/v1/drivers/me/locations';
    if ((await phones.post(path, d.token, body)).status !== 200) postErrors++;
  },
);
const seconds = (Date.now() - started) / 1000;
await sleep(1000);
for (const ws of sockets) ws.terminate();
phones.close();
process.stdout.write(
  `${JSON.stringify({ connected: sockets.length, connectErrors, postErrors, received, seconds, ...latencies.summary() })}\n`,
);
