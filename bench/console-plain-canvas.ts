import http from 'node:http';
import type { AddressInfo } from 'node:net';

// The console benchmark's baseline: the least a page can do to show the same moving drivers from
// the same stream. One WebSocket to the ops city stream (the ops token as the `bearer.` subprotocol),
// a Map of positions, and one full-window canvas redrawn in a requestAnimationFrame loop when
// something moved: no framework, no streets, no zones. It marks each position it paints with the same
// User Timing measure as the console, so the two are measured alike.

const PLAIN_CANVAS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>plain canvas</title>
<style>html,body{margin:0;height:100%;overflow:hidden}canvas{display:block}</style></head>
<body><canvas id="map"></canvas>
<script>
const q = new URLSearchParams(location.hash.slice(1));
const lat0 = Number(q.get('lat')), lng0 = Number(q.get('lng')), r = Number(q.get('r'));
const canvas = document.getElementById('map');
const ctx = canvas.getContext('2d');
canvas.width = innerWidth; canvas.height = innerHeight;
const mPerLat = 111320, mPerLng = 111320 * Math.cos(lat0 * Math.PI / 180);
const scale = Math.min(canvas.width, canvas.height) / (2.2 * r);
const drivers = new Map();
let fresh = [];
let dirty = false;
function take(list) {
  for (const d of list) {
    drivers.set(d.id, d);
    fresh.push(d.at);
  }
  dirty = true;
}
function onMessage(m) {
  if (m.type === 'snapshot') {
    drivers.clear();
    fresh = [];
    take(m.positions);
  } else if (m.type === 'frame' && m.positions) {
    take(m.positions.upsert);
    for (const id of m.positions.remove) drivers.delete(id);
  }
}
const ws = new WebSocket(q.get('api').replace('http', 'ws') + '/v1/ops/city/live', ['lastmile.v1', 'bearer.' + q.get('token')]);
ws.onmessage = (e) => onMessage(JSON.parse(e.data));
function draw() {
  if (dirty) {
    dirty = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#0a7';
    const cx = canvas.width / 2, cy = canvas.height / 2;
    for (const d of drivers.values()) {
      const x = cx + (d.lng - lng0) * mPerLng * scale;
      const y = cy - (d.lat - lat0) * mPerLat * scale;
      ctx.fillRect(x - 3, y - 3, 6, 6);
    }
    canvas.setAttribute('data-drivers', String(drivers.size));
    const now = performance.now();
    for (const at of fresh)
      if (at > performance.timeOrigin)
        performance.measure('lastmile.position-to-pixel', { start: at - performance.timeOrigin, end: now });
    fresh = [];
  }
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);
</script></body></html>`;

/**
 * Serves the plain canvas page on 127.0.0.1 (an origin the API is then told to accept sockets from,
 * as an operator would for a console on another host).
 */
export async function servePlainCanvas(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PLAIN_CANVAS_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
