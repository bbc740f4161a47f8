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
/**
 * The most text the frames kept for a resume may hold, whatever RING_MS says. With 10k drivers
 * each reporting every 5 s a frame is ~40 kB (500 moves at 4 per second): about 50 s of them.
 */
export const RING_BYTES = 8 * 1024 * 1024;

/**
 * A message as the sockets send it: its text, serialized once for every socket, and the message
 * itself where the poller still has it (a new frame or snapshot; not a frame kept for a resume).
 */
export interface Sent {
  text: string;
  message?: CityFrame | CitySnapshot;
}
/** A frame kept for a resume: its number and its text only. */
interface Kept extends Sent {
  seq: number;
}
/** Gets each frame, in `seq` order, as it is made. */
export type FrameListener = (f: Sent) => void;

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
  start(cursor: CityCursor, first: (m: Sent) => void, next: FrameListener): void;
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
  /** The last frames, oldest first, for resumes: RING_MS of them at most, within the byte cap. */
  ring: Kept[];
  ringBytes: number;
  /** The snapshot of `seq` once a socket asked for it, serialized once for every socket. */
  snapshot: Kept | null;
  listeners: Set<FrameListener>;
  members: number;
  ready: Promise<void>;
  loop: Periodic | null;
  stopped: boolean;
}

/** One read: the positions always, the rest when it is due; a frame if anything changed. */
async function tick(src: CitySources, r: Run, ring: RingLimits): Promise<void> {
  const now = new Date(src.clock.now());
  const slowDue = Date.now() - r.slowAt >= src.settings.stateMs;
  const slow = slowDue ? await readSlowState(src, now) : null;
  if (slow) r.slowAt = Date.now();
  const drivers = slow?.drivers ?? r.state.drivers;
  const area = slow ? slow.area : r.area;
  const next: CityState = {
    ...r.state,
    ...(slow ? { drivers, orders: slow.orders, stores: slow.stores } : {}),
    positions: await readPositions(src, area, drivers, r.state.positions),
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
  r.snapshot = null;
  const text = JSON.stringify(frame);
  keep(r, { seq: frame.seq, text }, ring);
  for (const listener of r.listeners) listener({ text, message: frame });
}

interface RingLimits {
  frames: number;
  bytes: number;
}

/** Adds a frame to the ring, dropping the oldest past either limit (a frame over both: itself). */
function keep(r: Run, kept: Kept, limits: RingLimits): void {
  r.ring.push(kept);
  r.ringBytes += kept.text.length;
  while (r.ring.length > limits.frames || r.ringBytes > limits.bytes)
    r.ringBytes -= (r.ring.shift() as Kept).text.length;
}

function snapshotOf(r: Run): Sent {
  if (r.snapshot?.seq === r.seq) return r.snapshot;
  const message: CitySnapshot = {
    type: 'snapshot',
    epoch: r.epoch,
    seq: r.seq,
    at: r.at.toISOString(),
    positions: [...r.state.positions.values()],
    drivers: [...r.state.drivers.values()],
    orders: [...r.state.orders.values()],
    stores: [...r.state.stores.values()],
    zones: [...r.state.zones.values()],
  };
  r.snapshot = { seq: r.seq, text: JSON.stringify(message) };
  return { text: r.snapshot.text, message };
}

/** The frames after the cursor, if this run still holds all of them; else null. */
function framesAfter(r: Run, c: CityCursor): Kept[] | null {
  if (c.epoch !== r.epoch || c.after > r.seq) return null;
  const oldest = r.ring[0]?.seq ?? r.seq + 1;
  if (c.after < oldest - 1) return null;
  return r.ring.filter((f) => f.seq > c.after);
}

/**
 * The city followed for this process's sockets: the first to join starts the reads with a new
 * epoch, the last to leave stops them; each member gets a snapshot or the frames it missed, then
 * every frame in `seq` order. A first read that fails ends its run at once (its members' `ready`
 * rejects): the next to join starts afresh, without waiting for those members to leave.
 */
export function cityPoller(src: CitySources, logger: Logger, opts: { ringBytes?: number } = {}) {
  const ring: RingLimits = {
    frames: Math.ceil(RING_MS / src.settings.tickMs),
    bytes: opts.ringBytes ?? RING_BYTES,
  };
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
      ringBytes: 0,
      snapshot: null,
      listeners: new Set(),
      members: 0,
      ready: Promise.resolve(),
      loop: null,
      stopped: false,
    };
    r.ready = tick(src, r, ring).then(() => {
      if (r.stopped) return;
      r.loop = runPeriodically(
        'ops live city',
        src.settings.tickMs,
        () => tick(src, r, ring),
        logger,
      );
    });
    r.ready.catch(() => end(r));
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
    /** The frames kept for resumes now, and the bytes of their text. */
    held: () => ({ frames: run?.ring.length ?? 0, bytes: run?.ringBytes ?? 0 }),
    /** Stops the reads (the app closes). */
    stop: async () => {
      if (run) await end(run);
    },
  };
}

export type CityPoller = ReturnType<typeof cityPoller>;
