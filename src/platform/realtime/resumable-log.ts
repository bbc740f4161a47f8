import type { WebSocket } from '@fastify/websocket';
import type { EventBus } from '../bus/port.ts';
import type { socketContract } from '../contract/socket-contract.ts';
import type { Heartbeat } from './log-channel.ts';

/**
 * A socket that serves a numbered, resumable log (an order's tracking, a store's orders): a
 * snapshot when the stream needs one, the log after the client's cursor `after`, then live
 * messages, in `seq` order with no gap and no repeat, with a heartbeat and a cut for slow readers.
 * A stream gives its log reader, its live topic and its first step; the rest is here.
 */

export const HEARTBEAT_MS = 25_000;
/** A reader this far behind gets no droppable messages until it catches up. */
const SLOW_BYTES = 256 * 1024;
/** A reader this far behind is cut (it resumes with `after`), so it cannot hold memory for everyone. */
export const DEAD_BYTES = 4 * 1024 * 1024;
/** Log messages read per query when a subscriber catches up. */
const REPLAY_PAGE = 500;

/** A message of a log: numbered per stream by `seq`, 1, 2, 3… */
export interface LogMessage {
  seq: number;
}

/** Sends one message; a droppable one is skipped while the reader is slow. */
export type Send<M> = (msg: M, droppable?: boolean) => void;

/** Sends the socket's declared messages while it is open (checked against its contract in tests). */
export function logSender<M>(
  socket: WebSocket,
  contract: ReturnType<typeof socketContract>,
): Send<M> {
  return (msg, droppable = false) => {
    if (socket.readyState !== socket.OPEN) return;
    // A slow reader must not hold memory for everyone: droppable messages are skipped, then it is cut.
    if (socket.bufferedAmount > DEAD_BYTES) return socket.terminate();
    if (droppable && socket.bufferedAmount > SLOW_BYTES) return;
    contract.sent(msg);
    socket.send(JSON.stringify(msg));
  };
}

/**
 * Sends a heartbeat every 25 s while the socket is open (so proxies keep it); when it closes, stops
 * and calls `closed`. Every log socket's, the live city's too.
 */
export function heartbeatUntilClosed(
  socket: WebSocket,
  send: (beat: Heartbeat) => void,
  closed: () => void,
): void {
  const timer = setInterval(
    () => send({ type: 'heartbeat', at: new Date().toISOString() }),
    HEARTBEAT_MS,
  );
  timer.unref();
  socket.on('close', () => {
    clearInterval(timer);
    closed();
  });
}

export interface ResumableLog<M extends LogMessage> {
  bus: EventBus;
  /** The live topic: each log message is announced on it once committed. */
  topic: string;
  /** The client's cursor: the last `seq` it received. */
  after: number;
  send: Send<M | { type: 'heartbeat'; at: string }>;
  /** The log after a `seq`, at most `limit` messages, in `seq` order. */
  read: (after: number, limit: number) => Promise<M[]>;
  /**
   * The first step, before the log: a snapshot, say. Returns the `seq` the log continues after
   * when it moved the cursor (a snapshot that replaces what the client had), else nothing.
   */
  start: () => Promise<number | void>;
  /**
   * Whether this reader is shown a message of the log (all by default). One it is not shown still
   * moves its cursor: its `seq` numbers then jump over it.
   */
  shown?: (m: M) => boolean;
  /** Called with each log message once it is sent. */
  sent?: (m: M) => void;
  /** Called when the socket closes. */
  closed?: () => void;
  /** A step failed (the socket should be closed). */
  fail: (err: unknown) => void;
}

/** Serves a log on a socket (the caller was authorized before the upgrade) until it closes. */
export function serveResumableLog<M extends LogMessage>(socket: WebSocket, o: ResumableLog<M>) {
  let lastSeq = o.after;
  /** Sends the next message of the log; older ones were sent already (a replay and the live topic overlap). */
  const emit = (m: M) => {
    if (m.seq <= lastSeq) return;
    lastSeq = m.seq;
    if (o.shown && !o.shown(m)) return;
    o.send(m);
    o.sent?.(m);
  };
  /** Sends the log after the cursor, page by page, until it has sent `upTo` or reached the end. */
  const catchUp = async (upTo: number) => {
    for (;;) {
      const page = await o.read(lastSeq, REPLAY_PAGE);
      for (const m of page) emit(m);
      if (page.length < REPLAY_PAGE || lastSeq >= upTo) return;
    }
  };
  // The first step, the replay and every live message go out through one queue, so the client gets
  // the log in seq order with no gap. A live message that arrives while the replay is being read
  // waits behind it: sent at once it would move the cursor past the replay, which would then be
  // skipped. A live message ahead of the cursor (announcements may overtake each other: several
  // handlers) first fetches the gap from the log; message k is announced after its commit and
  // numbered under its stream's row lock, so all before k are in it.
  let queue = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    queue = queue
      .then(async () => {
        if (socket.readyState === socket.OPEN) await step();
      })
      .catch(o.fail);
  };
  // Listen first, then read: nothing published in between is lost (it waits in the queue).
  const live = o.bus.listen(o.topic, (data) => {
    const m = data as M;
    enqueue(async () => {
      if (m.seq > lastSeq + 1) await catchUp(m.seq - 1);
      emit(m);
    });
  });
  heartbeatUntilClosed(socket, o.send, () => {
    void live.close();
    o.closed?.();
  });
  enqueue(async () => {
    const moved = await o.start();
    if (typeof moved === 'number') lastSeq = moved;
    await catchUp(Number.POSITIVE_INFINITY);
  });
}
