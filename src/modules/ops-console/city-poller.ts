import { randomBytes } from 'node:crypto';
import type { Logger } from '../../platform/observability/logger.ts';
import { type Periodic, runPeriodically } from '../../platform/periodic.ts';
import type { CityFrame, CitySnapshot } from './city-live.messages.ts';
import {
  type Area,
  CITY_KINDS,
  type CitySources,
  type CityState,
  changes,
  emptyCity,
  readPositions,
  readSlowState,
  samePoint,
  zonesOf,
} from './city-state.ts';

// The live city of one process: read while at least one socket listens, each read that changed
// something one numbered frame, the last minute of frames kept for clients that resume.

/** How long the frames kept for a resume last, at one frame per tick. */
const RING_MS = 60_000;

/** A frame as sent: the message, and its text (serialized once for every socket). */
export interface SentFrame {
  frame: CityFrame;
  text: string;
}
/** Gets each frame, in `seq` order, as it is made. */
export type FrameListener = (f: SentFrame) => void;

/** Where a client stands: the last frame it got, of which epoch (none: it starts afresh). */
export interface CityCursor {
  after: number;
  epoch?: string | undefined;
}

/** One socket's place in the stream. */
export interface CityMember {
  /** Resolves once the city has been read (at once if it was already). */
  readonly ready: Promise<void>;
  /**
   * Hands the member what it is missing, synchronously (a snapshot, or the frames after its
   * cursor), then every frame as it is made. Nothing when it has left.
   */
  start(
    cursor: CityCursor,
    first: (m: CitySnapshot | SentFrame) => void,
    next: FrameListener,
  ): void;
  /** Stops its frames; the last member to leave stops the reads. */
  leave(): void;
}

/** One run of the reads, from the first socket to the last: its epoch, state and frames. */
interface Run {
  epoch: string;
  seq: number;
  at: Date;
  state: CityState;
  area: Area | null;
  slowAt: number;
  ring: SentFrame[];
  listeners: Set<FrameListener>;
  members: number;
  ready: Promise<void>;
  loop: Periodic | null;
  stopped: boolean;
}

/** One read: the positions always, the rest when it is due; a frame if anything changed. */
async function tick(src: CitySources, r: Run, ringSize: number): Promise<void> {
  const now = new Date(src.clock.now());
  const slowDue = Date.now() - r.slowAt >= src.settings.stateMs;
  const slow = slowDue ? await readSlowState(src, now) : null;
  if (slow) r.slowAt = Date.now();
  const drivers = slow?.drivers ?? r.state.drivers;
  const area = slow ? slow.area : r.area;
  const next: CityState = {
    ...r.state,
    ...(slow ? { drivers, orders: slow.orders, stores: slow.stores } : {}),
    positions: await readPositions(src, area, drivers),
  };
  if (slow) next.zones = zonesOf(next);
  if (r.stopped) return;
  const frame: CityFrame = {
    type: 'frame',
    epoch: r.epoch,
    seq: r.seq + 1,
    at: now.toISOString(),
  };
  let changed = false;
  for (const kind of CITY_KINDS) {
    const c =
      kind === 'positions'
        ? changes(r.state.positions, next.positions, samePoint)
        : changes<object>(r.state[kind], next[kind]);
    if (c) {
      (frame as Record<string, unknown>)[kind] = c;
      changed = true;
    }
  }
  r.state = next;
  r.area = area;
  r.at = now;
  if (!changed) return;
  r.seq = frame.seq;
  const sent = { frame, text: JSON.stringify(frame) };
  r.ring.push(sent);
  if (r.ring.length > ringSize) r.ring.shift();
  for (const listener of r.listeners) listener(sent);
}

const snapshotOf = (r: Run): CitySnapshot => ({
  type: 'snapshot',
  epoch: r.epoch,
  seq: r.seq,
  at: r.at.toISOString(),
  positions: [...r.state.positions.values()],
  drivers: [...r.state.drivers.values()],
  orders: [...r.state.orders.values()],
  stores: [...r.state.stores.values()],
  zones: [...r.state.zones.values()],
});

/** The frames after the cursor, if this run still holds all of them; else null. */
function framesAfter(r: Run, c: CityCursor): SentFrame[] | null {
  if (c.epoch !== r.epoch || c.after > r.seq) return null;
  const oldest = r.ring[0]?.frame.seq ?? r.seq + 1;
  if (c.after < oldest - 1) return null;
  return r.ring.filter((f) => f.frame.seq > c.after);
}

/**
 * The city followed for this process's sockets: the first to join starts the reads with a new
 * epoch, the last to leave stops them; each member gets a snapshot or the frames it missed, then
 * every frame in `seq` order.
 */
export function cityPoller(src: CitySources, logger: Logger) {
  const ringSize = Math.ceil(RING_MS / src.settings.tickMs);
  let run: Run | null = null;

  function begin(): Run {
    const r: Run = {
      epoch: randomBytes(9).toString('base64url'),
      seq: 0,
      at: new Date(src.clock.now()),
      state: emptyCity(),
      area: null,
      slowAt: Number.NEGATIVE_INFINITY,
      ring: [],
      listeners: new Set(),
      members: 0,
      ready: Promise.resolve(),
      loop: null,
      stopped: false,
    };
    r.ready = tick(src, r, ringSize).then(() => {
      if (r.stopped) return;
      r.loop = runPeriodically(
        'ops live city',
        src.settings.tickMs,
        () => tick(src, r, ringSize),
        logger,
      );
    });
    r.ready.catch(() => undefined);
    return r;
  }

  function end(r: Run): Promise<void> {
    r.stopped = true;
    r.listeners.clear();
    if (run === r) run = null;
    return r.loop?.stop() ?? Promise.resolve();
  }

  return {
    /** A socket joins: the first one starts the reads (a new epoch). */
    join(): CityMember {
      const r = run ?? (run = begin());
      r.members += 1;
      let listener: FrameListener | null = null;
      let left = false;
      return {
        ready: r.ready,
        start(cursor, first, next) {
          if (left || r.stopped) return;
          const replay = framesAfter(r, cursor);
          if (replay) replay.forEach(first);
          else first(snapshotOf(r));
          listener = next;
          r.listeners.add(next);
        },
        leave() {
          if (left) return;
          left = true;
          if (listener) r.listeners.delete(listener);
          r.members -= 1;
          if (r.members === 0) void end(r);
        },
      };
    },
    /** Whether the reads are running (some socket listens). */
    running: () => run !== null,
    /** Stops the reads (the app closes). */
    stop: async () => {
      if (run) await end(run);
    },
  };
}

export type CityPoller = ReturnType<typeof cityPoller>;
