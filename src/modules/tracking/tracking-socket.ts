import type { WebSocket } from '@fastify/websocket';
import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus, Subscription } from '../../platform/bus/port.ts';
import { socketContract } from '../../platform/contract/socket-contract.ts';
import { positionTopic } from '../drivers/index.ts';
import { type TrackingMessage, trackingTopic } from './tracking-log.ts';
import type { TrackingService } from './tracking.service.ts';
import { type TrackingOutgoing, trackingSocketChannel } from './tracking-socket.messages.ts';

const HEARTBEAT_MS = 25_000;
/** Driver positions reach a subscriber at most this often. */
const POSITION_EVERY_MS = 1000;
/** A subscriber this far behind gets no positions until it catches up; further behind, it is cut. */
const SLOW_BYTES = 256 * 1024;
const DEAD_BYTES = 4 * 1024 * 1024;
/** Log messages read per query when a subscriber catches up. */
const REPLAY_PAGE = 500;

type Send = (msg: TrackingOutgoing, droppable?: boolean) => void;

const contract = socketContract(trackingSocketChannel);

/** Sends one of the socket's declared messages while it is open. */
function sender(socket: WebSocket): Send {
  return (msg, droppable = false) => {
    if (socket.readyState !== socket.OPEN) return;
    // A slow reader must not hold memory for everyone: positions are skipped, then it is cut.
    if (socket.bufferedAmount > DEAD_BYTES) return socket.terminate();
    if (droppable && socket.bufferedAmount > SLOW_BYTES) return;
    contract.sent(msg);
    socket.send(JSON.stringify(msg));
  };
}

/**
 * Forwards the positions of the order's current driver, at most one a second. A position that
 * comes sooner is held and sent when the second is up, unless a newer one replaces it: a phone
 * reporting every second with some jitter is then followed at its own pace instead of losing every
 * fix that came a few milliseconds early.
 */
export function driverPositions(bus: EventBus, send: Send) {
  let lastSentAt = 0;
  let held: { lat: number; lng: number; at: number } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let positions: Subscription | null = null;
  let driverId: string | null = null;
  const forward = (pos: { lat: number; lng: number; at: number }) => {
    lastSentAt = Date.now();
    send(
      { type: 'position', lat: pos.lat, lng: pos.lng, at: new Date(pos.at).toISOString() },
      true,
    );
  };
  const stop = () => {
    void positions?.close();
    positions = null;
    held = null;
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    follow(id: string | null) {
      if (id === driverId) return;
      stop();
      driverId = id;
      if (!id) return;
      positions = bus.listen(positionTopic(id), (p) => {
        const pos = p as { lat: number; lng: number; at: number };
        const wait = lastSentAt + POSITION_EVERY_MS - Date.now();
        if (wait <= 0 && !timer) return forward(pos);
        if (!held || held.at <= pos.at) held = pos;
        timer ??= setTimeout(
          () => {
            timer = null;
            const next = held;
            held = null;
            if (next) forward(next);
          },
          Math.max(0, wait),
        ).unref();
      });
    },
    close: stop,
  };
}

/**
 * Serves one tracking socket (the caller was authorized before the upgrade): the snapshot, the log
 * after the cursor `after`, then live messages and the driver's positions until it closes.
 */
export function serveTracking(
  socket: WebSocket,
  deps: { tracking: TrackingService; bus: EventBus },
  by: Principal,
  orderId: string,
  after: number,
  fail: (err: unknown) => void,
): void {
  const { tracking } = deps;
  let lastSeq = after;
  // Status messages up to the snapshot's seq are older than the driver the snapshot names.
  let snapshotSeq = Number.POSITIVE_INFINITY;
  const send = sender(socket);
  const driver = driverPositions(deps.bus, send);
  /** Sends the next message of the log; older ones were sent already (a replay and the live topic overlap). */
  const emit = (m: TrackingMessage) => {
    if (m.seq <= lastSeq) return;
    lastSeq = m.seq;
    send(m);
    if (m.type === 'status' && m.seq > snapshotSeq) driver.follow(m.driver_id);
  };
  /** Sends the log after the cursor, page by page, until it has sent `upTo` or reached the end. */
  const catchUp = async (upTo: number) => {
    for (;;) {
      const page = await tracking.messagesAfter(orderId, lastSeq, REPLAY_PAGE);
      for (const m of page) emit(m);
      if (page.length < REPLAY_PAGE || lastSeq >= upTo) return;
    }
  };
  // The snapshot, the replay and every live message go out through one queue, so the client gets
  // the log in seq order with no gap. A live message that arrives while the replay is being read
  // waits behind it: sent at once it would move the cursor past the replay, which would then be
  // skipped. A live message ahead of the cursor (announcements of one order may overtake each
  // other: several handlers, the ETA refresh) first fetches the gap from the log; message k is
  // announced after its commit and numbered under the order row's lock, so all before k are in it.
  let queue = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    queue = queue
      .then(async () => {
        if (socket.readyState === socket.OPEN) await step();
      })
      .catch(fail);
  };
  // Listen first, then read: nothing published in between is lost (it waits in the queue).
  const live = deps.bus.listen(trackingTopic(orderId), (data) => {
    const m = data as TrackingMessage;
    enqueue(async () => {
      if (m.seq > lastSeq + 1) await catchUp(m.seq - 1);
      emit(m);
    });
  });
  const heartbeat = setInterval(
    () => send({ type: 'heartbeat', at: new Date().toISOString() }),
    HEARTBEAT_MS,
  );
  heartbeat.unref();
  socket.on('close', () => {
    clearInterval(heartbeat);
    void live.close();
    driver.close();
  });
  enqueue(async () => {
    const row = await tracking.access(by, orderId);
    send(await tracking.snapshot(row));
    snapshotSeq = row.seq;
    driver.follow(row.driver_id);
    await catchUp(Number.POSITIVE_INFINITY);
  });
}
