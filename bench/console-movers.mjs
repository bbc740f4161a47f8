// The city the ops console's map shows during `bench console`: every driver's phone posts its
// position once a second, as the courier app does, through the public API (auth, ingest, geo
// index). Drivers wander the streets around the centre at a courier's speed. Runs until the file
// `stop` exists (or `max_s` has passed), then prints one JSON line with what it sent.
// Input: a JSON file path.
import fs from 'node:fs';
import { everySecond, jsonPoster } from './phones.mjs';

const opts = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { base, drivers, center, radius_m: radiusM, stop, max_s: maxS } = opts;
const phones = jsonPoster(base, 128);
const M_PER_DEG_LAT = 111_320;
const mPerDegLng = M_PER_DEG_LAT * Math.cos((center.lat * Math.PI) / 180);

let posted = 0;
let postErrors = 0;

// A seeded generator, so two runs move the same fleet the same way.
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

const fleet = drivers.map((d) => {
  const r = radiusM * Math.sqrt(random());
  const a = random() * 2 * Math.PI;
  return {
    ...d,
    x: r * Math.cos(a),
    y: r * Math.sin(a),
    heading: random() * 2 * Math.PI,
    speed: 4 + random() * 6,
  };
});

/** One second of a driver's way: mostly straight on, turning a little, back towards the centre at the edge. */
function step(d) {
  d.heading += (random() - 0.5) * 0.6;
  if (Math.hypot(d.x, d.y) > radiusM) d.heading = Math.atan2(-d.y, -d.x);
  d.x += Math.cos(d.heading) * d.speed;
  d.y += Math.sin(d.heading) * d.speed;
  return { lat: center.lat + d.y / M_PER_DEG_LAT, lng: center.lng + d.x / mPerDegLng };
}

const started = Date.now();
const stopped = () => fs.existsSync(stop) || Date.now() - started > maxS * 1000;
const late = await everySecond(fleet, stopped, async (d) => {
  const p = step(d);
  const body = JSON.stringify({
    points: [{ ...p, accuracy_m: 5, speed_mps: d.speed, recorded_at: new Date().toISOString() }],
  });
  if ((await phones.post('/v1/drivers/me/locations', d.token, body)).status === 200) posted++;
  else postErrors++;
});
phones.close();
process.stdout.write(
  `${JSON.stringify({ posted, postErrors, late_seconds: late, seconds: (Date.now() - started) / 1000 })}\n`,
);
