import {
  type Listener,
  type ReconnectOptions,
  resilientSocket,
  type SocketAuth,
  type SocketEvents,
  type WebSocketClass,
} from './socket-core.ts';
import type {
  ChannelError,
  DriverChannelMessage,
  LocationFix,
  LocationsAck,
  OpsCityMessage,
  StoreOrdersMessage,
  TrackingMessage,
} from './socket-messages.ts';

export {
  defaultWebSocket,
  type ReconnectOptions,
  type SocketAuth,
  SUBPROTOCOL,
  type WebSocketClass,
  type WebSocketLike,
} from './socket-core.ts';

interface SocketOptions {
  /** Where the API answers (`http(s)://…`; the socket uses `ws(s)://` on the same host). */
  baseUrl: string;
  auth: SocketAuth;
  /** After a drop: reconnect with backoff (default), or `false` to stay closed. */
  reconnect?: ReconnectOptions | false;
  /** The WebSocket class to use; the browser's, or `ws` in Node, by default. */
  WebSocket?: WebSocketClass;
}

interface Events<M> {
  on<K extends keyof SocketEvents<M>>(event: K, fn: Listener<SocketEvents<M>[K]>): () => void;
  /** Resolves once connected the first time; rejects if the server refuses the caller. */
  readonly opened: Promise<void>;
  close(): void;
}

/** A socket over a numbered log (`seq` 1, 2, 3…) that resumes after the newest `seq` it got. */
interface LogSocket<M> extends Events<M> {
  /** The `seq` of the newest log message received: where a reconnect resumes. */
  readonly lastSeq: number;
}

/** How a log socket tells its log apart from the rest of what it receives. */
interface LogStream<M extends { type: string }> {
  /** The socket's path, resuming after `after` (of `epoch`, for a log numbered in epochs). */
  path: (after: number, epoch: string | null) => string;
  /** The types of the numbered log messages; others (heartbeats, positions) pass untouched. */
  logged: readonly M['type'][];
  /** A `snapshot` replaces what the client had: the log continues after its `seq`. */
  snapshotMovesCursor: boolean;
  /**
   * For a log numbered anew in each epoch (the live city): a message's epoch. A snapshot starts
   * its epoch; a log message of another is dropped.
   */
  epochOf?: (m: M) => string | null;
}

/**
 * Keeps a log socket open: a log message at or before the cursor (or of another epoch) is a
 * repeat and dropped, and after a drop it reconnects with `?after=<last seq>` (and its epoch), so
 * the log continues with no gap.
 */
function openLogSocket<M extends { type: string }>(
  o: SocketOptions & { after?: number; epoch?: string },
  log: LogStream<M>,
): LogSocket<M> & { readonly epoch: string | null } {
  let lastSeq = o.after ?? 0;
  let epoch = o.epoch ?? null;
  const seqOf = (m: M) => (m as M & { seq: number }).seq;
  const socket = resilientSocket<M>({
    ...o,
    path: () => log.path(lastSeq, epoch),
    accept: (m) => {
      if (m.type === 'snapshot' && log.snapshotMovesCursor) {
        lastSeq = seqOf(m);
        if (log.epochOf) epoch = log.epochOf(m);
        return true;
      }
      if (!log.logged.includes(m.type)) return true;
      if (log.epochOf && log.epochOf(m) !== epoch) return false;
      if (seqOf(m) <= lastSeq) return false;
      lastSeq = seqOf(m);
      return true;
    },
  });
  return {
    on: socket.on,
    opened: socket.opened,
    close: socket.close,
    get lastSeq() {
      return lastSeq;
    },
    get epoch() {
      return epoch;
    },
  };
}

export type TrackingSocket = LogSocket<TrackingMessage>;

/**
 * Follows one order live (`GET /v1/orders/{id}/track`): a snapshot on every connection, then the
 * order's numbered log (status and ETA messages, in `seq` order) and the driver's positions.
 * After a drop it reconnects with `?after=<last seq>`, so the log continues with no gap and no
 * repeat; `after` resumes a stream an earlier socket left.
 */
export function openTrackingSocket(
  o: SocketOptions & { orderId: string; after?: number },
): TrackingSocket {
  return openLogSocket<TrackingMessage>(o, {
    path: (after) => `/v1/orders/${encodeURIComponent(o.orderId)}/track?after=${after}`,
    logged: ['status', 'eta', 'substitution'],
    snapshotMovesCursor: false,
  });
}

/** `lastSeq` is also moved by a snapshot (the log continues after its `seq`). */
export type StoreOrdersSocket = LogSocket<StoreOrdersMessage>;

/**
 * Follows a store's orders live (`GET /v1/stores/{id}/orders/live`, the store's staff and ops): a
 * snapshot of the open orders first, then every move in the store's numbered log. After a drop it
 * reconnects with `?after=<last seq>` and gets exactly what it missed, or a new snapshot when the
 * log no longer holds it (replace the list with it). `after` resumes a stream an earlier socket left.
 */
export function openStoreOrdersSocket(
  o: SocketOptions & { storeId: string; after?: number },
): StoreOrdersSocket {
  return openLogSocket<StoreOrdersMessage>(o, {
    path: (after) => `/v1/stores/${encodeURIComponent(o.storeId)}/orders/live?after=${after}`,
    logged: ['order', 'waiting'],
    snapshotMovesCursor: true,
  });
}

/** The live city's socket: where a reconnect resumes (the last frame's `seq`, in its `epoch`). */
export interface OpsCitySocket extends LogSocket<OpsCityMessage> {
  /** The epoch of the frames received (null before the first snapshot). */
  readonly epoch: string | null;
}

/**
 * Follows the city live for the ops console (`GET /v1/ops/city/live`, ops only): a snapshot,
 * then numbered frames of what changed. After a drop it reconnects with
 * `?after=<last seq>&epoch=<epoch>` and gets the frames it missed, or a new snapshot when the
 * server no longer holds them (replace everything with it). A frame of another epoch, or one
 * already seen, is dropped. `after` and `epoch` resume a stream an earlier socket left.
 */
export function openOpsCitySocket(
  o: SocketOptions & { after?: number; epoch?: string },
): OpsCitySocket {
  return openLogSocket<OpsCityMessage>(o, {
    path: (after, epoch) =>
      epoch === null
        ? '/v1/ops/city/live'
        : `/v1/ops/city/live?after=${after}&epoch=${encodeURIComponent(epoch)}`,
    logged: ['frame'],
    snapshotMovesCursor: true,
    epochOf: (m) => ('epoch' in m ? m.epoch : null),
  });
}

/** A message the driver channel refused (`type: "error"`), as an error. */
export class ChannelRefusal extends Error {
  override name = 'ChannelRefusal';
  constructor(readonly refusal: ChannelError) {
    super(`${refusal.code}: ${refusal.detail}`);
  }
}

export interface DriverChannel extends Events<DriverChannelMessage> {
  /** Uploads fixes (same rules as the HTTP upload); resolves with the ack, rejects with a ChannelRefusal. */
  sendLocations(points: LocationFix[]): Promise<LocationsAck>;
  /** Resolves on the pong. */
  ping(): Promise<void>;
}

/**
 * The driver app's channel (`GET /v1/drivers/me/channel`): locations in, offers and other pushes
 * out. Pushes are at most once, so on a reconnect (`open` with `reconnected: true`) the app reads
 * its open offer over HTTP. A request in flight when the socket drops is rejected, not resent.
 */
export function openDriverChannel(o: SocketOptions): DriverChannel {
  let nextRef = 0;
  const pending = new Map<
    string,
    { ok: (m: DriverChannelMessage) => void; fail: Listener<Error> }
  >();
  const socket = resilientSocket<DriverChannelMessage>({
    ...o,
    path: () => '/v1/drivers/me/channel',
    accept: (m) => {
      const ref = 'ref' in m && m.ref !== null ? String(m.ref) : null;
      const waiting = ref === null ? undefined : pending.get(ref);
      if (!waiting) return true;
      pending.delete(ref as string);
      if (m.type === 'error') waiting.fail(new ChannelRefusal(m));
      else waiting.ok(m);
      return true;
    },
  });
  socket.on('close', () => {
    for (const p of pending.values()) p.fail(new Error('the driver channel closed'));
    pending.clear();
  });
  const ask = (message: { type: string; [k: string]: unknown }) =>
    new Promise<DriverChannelMessage>((ok, fail) => {
      const ref = `r${++nextRef}`;
      pending.set(ref, { ok, fail });
      if (!socket.send({ ...message, ref })) {
        pending.delete(ref);
        fail(new Error('the driver channel is not connected'));
      }
    });
  return {
    on: socket.on,
    opened: socket.opened,
    close: socket.close,
    async sendLocations(points) {
      return (await ask({ type: 'locations', points })) as LocationsAck;
    },
    async ping() {
      await ask({ type: 'ping' });
    },
  };
}
