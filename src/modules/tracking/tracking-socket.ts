import type { WebSocket } from '@fastify/websocket';
import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus, Subscription } from '../../platform/bus/port.ts';
import { socketContract } from '../../platform/contract/socket-contract.ts';
import {
  logSender,
  type Send as LogSend,
  serveResumableLog,
} from '../../platform/realtime/resumable-log.ts';
import { positionTopic } from '../drivers/index.ts';
import { shownTo, type TrackingMessage, trackingTopic } from './tracking-log.ts';
import type { TrackingService } from './tracking.service.ts';
import { type TrackingOutgoing, trackingSocketChannel } from './tracking-socket.messages.ts';

/** Driver positions reach a subscriber at most this often. */
const POSITION_EVERY_MS = 1000;

type Send = LogSend<TrackingOutgoing>;

const contract = socketContract(trackingSocketChannel);

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
 * after the cursor `after`, then live messages (see resumable-log.ts) and the driver's positions
 * (dropped while the client reads slowly) until it closes.
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
  // Status messages up to the snapshot's seq are older than the driver the snapshot names.
  let snapshotSeq = Number.POSITIVE_INFINITY;
  const send = logSender<TrackingOutgoing>(socket, contract);
  const driver = driverPositions(deps.bus, send);
  serveResumableLog<TrackingMessage>(socket, {
    bus: deps.bus,
    topic: trackingTopic(orderId),
    after,
    send,
    read: (from, limit) => tracking.messagesAfter(orderId, from, limit),
    shown: (m) => shownTo(by, m),
    start: async () => {
      const row = await tracking.access(by, orderId);
      send(await tracking.snapshot(row));
      snapshotSeq = row.seq;
      driver.follow(row.driver_id);
    },
    sent: (m) => {
      if (m.type === 'status' && m.seq > snapshotSeq) driver.follow(m.driver_id);
    },
    closed: () => driver.close(),
    fail,
  });
}
