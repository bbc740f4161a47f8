// Load generator for live tracking: opens `subscribers` WebSockets spread over the orders, then
// has every driver post its position once a second, and measures the time from each POST to the
// position's arrival at each subscriber of that driver's order.
// Input: a JSON file path; output: one JSON line with counts and latency percentiles (ms).
import fs from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { latencyHistogram } from './histogram.mjs';

const opts = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { base, opsToken, orders, drivers, subscribers, duration } = opts;
// `bare`: the baseline server (tracking-bare.ts), same messages, no credentials.
const bare = opts.mode === 'bare';
const target = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

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

function post(driver, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: bare ? `/drivers/${driver.id}/locations` : '/v1/drivers/me/locations',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${driver.token}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) postErrors++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      postErrors++;
      resolve();
    });
    req.end(body);
  });
}

const started = Date.now();
let tick = 0;
while (Date.now() - started < duration * 1000) {
  const second = Date.now();
  tick++;
  // Each driver once a second, spread over the second.
  const jobs = drivers.map(async (d, i) => {
    await sleep((i / drivers.length) * 900);
    const body = JSON.stringify({
      points: [
        {
          lat: d.lat + tick * 0.00005,
          lng: d.lng,
          accuracy_m: 5,
          recorded_at: new Date().toISOString(),
        },
      ],
    });
    await post(d, body);
  });
  await Promise.all(jobs);
  const left = 1000 - (Date.now() - second);
  if (left > 0) await sleep(left);
}
const seconds = (Date.now() - started) / 1000;
await sleep(1000);
for (const ws of sockets) ws.terminate();
agent.destroy();
process.stdout.write(
  `${JSON.stringify({ connected: sockets.length, connectErrors, postErrors, received, seconds, ...latencies.summary() })}\n`,
);
