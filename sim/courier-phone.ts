import {
  along,
  type LatLng,
  type PlannedDriver,
  routeLength,
  routeOf,
  VEHICLE_SPEED_MPS,
} from './plan.ts';
import { LOCATION_EVERY_S, note, type SimState, sinceStart, sleep } from './state.ts';
import { speedFactor } from './weather.ts';

interface Fix {
  lat: number;
  lng: number;
  recorded_at: string;
  accuracy_m: number;
  speed_mps: number;
}

/**
 * A courier's phone: where the courier is, moving along the streets at the vehicle's speed (slower
 * in the rain and in a zone's traffic, weather.ts), and the positions it uploads as a courier app
 * does. `rng` is the courier's own generator, shared with its decisions, so a seed makes the same
 * evening.
 */
export class CourierPhone {
  at: LatLng;
  private route: LatLng[] | null = null;
  private travelled = 0;
  private pending: Fix[] = [];
  private movedAt = Date.now();

  constructor(
    private readonly s: SimState,
    private readonly plan: PlannedDriver,
    private readonly token: string,
    private readonly rng: () => number,
  ) {
    this.at = plan.start;
  }

  private get speed(): number {
    const v = this.plan.vehicle;
    const held = speedFactor(this.s.weather, v, this.at, sinceStart(this.s));
    return VEHICLE_SPEED_MPS[v] * (0.85 + this.rng() * 0.3) * held;
  }

  /** Moves along the current route for the time since the last move and queues the new fix. */
  private advance(): boolean {
    const now = Date.now();
    const dt = (now - this.movedAt) / 1000;
    this.movedAt = now;
    let done = true;
    let v = 0;
    if (this.route) {
      v = this.speed;
      this.travelled += v * dt;
      const p = along(this.route, this.travelled);
      this.at = p.at;
      done = p.done;
      if (done) this.route = null;
    }
    this.pending.push({
      lat: this.at.lat,
      lng: this.at.lng,
      recorded_at: new Date().toISOString(),
      accuracy_m: 8,
      speed_mps: Number(v.toFixed(1)),
    });
    return done;
  }

  private async upload(): Promise<void> {
    const points = this.pending.splice(0, 100);
    if (points.length === 0) return;
    try {
      const res = await this.s.api.as(this.token).POST('/v1/drivers/me/locations', {
        body: { points },
      });
      const status = res.response.status;
      if (status === 503 || status === 429) this.pending.unshift(...points.slice(-20));
    } catch (err) {
      this.pending.unshift(...points.slice(-20));
      note(this.s, `driver ${this.plan.index} upload`, err);
    }
  }

  /** One tick of the phone: move, then report the position. True once the route is done. */
  async tick(): Promise<boolean> {
    const done = this.advance();
    await this.upload();
    return done;
  }

  /** Drives to `to`, reporting every few seconds, until there or until `stop()` says to. */
  async driveTo(to: LatLng, stop: () => boolean = () => false): Promise<void> {
    this.route = routeOf(this.at, to, this.s.streets);
    this.travelled = 0;
    this.movedAt = Date.now();
    const total = routeLength(this.route);
    if (total < 15) {
      this.route = null;
      return;
    }
    for (;;) {
      await sleep(LOCATION_EVERY_S * 1000);
      if ((await this.tick()) || stop()) return;
    }
  }
}
