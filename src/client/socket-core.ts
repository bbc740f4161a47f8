// One WebSocket that stays connected: it reconnects with backoff after a drop, builds its URL
// anew for each connection (a resume cursor, a fresh single-use ticket) and gives up only when the
// server refuses the caller.

/** The part of a WebSocket both the browser's and the `ws` package's share. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: the browser's, `ws`'s (which also takes headers), or a test's. */
export type WebSocketClass = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/**
 * How a socket proves who is calling:
 * - `token` via `protocol` (the default outside Node): `Sec-WebSocket-Protocol: lastmile.v1, bearer.<jwt>`;
 * - `token` via `header` (the default in Node): `Authorization: Bearer <jwt>` (not possible in browsers);
 * - `apiKey`: `X-Api-Key` (Node only);
 * - `ticket`: a single-use ticket from `POST /v1/realtime/tickets` as `?ticket=`; asked for again
 *   before every connection.
 */
export type SocketAuth =
  | { token: string; via?: 'protocol' | 'header' }
  | { apiKey: string }
  | { ticket: () => Promise<string> };

export interface ReconnectOptions {
  /** First wait after a drop (doubled each failed try, with jitter). Default 500 ms. */
  minDelayMs?: number;
  /** Longest wait between tries. Default 15 s. */
  maxDelayMs?: number;
  /** Tries in a row before giving up. Default: no limit. */
  attempts?: number;
}

export interface SocketEvents<M> {
  open: { reconnected: boolean };
  message: M;
  close: { code: number; reason: string; willReconnect: boolean };
  error: Error;
}

export type Listener<T> = (value: T) => void;

/** The subprotocol of the lastmile sockets. */
export const SUBPROTOCOL = 'lastmile.v1';
/** Node (and runtimes that pass for it), where the `ws` package can send headers. */
const inNode = () =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
  'string';

/** In Node the `ws` package, which can send headers; elsewhere (browsers, workers) the global WebSocket. */
export async function defaultWebSocket(): Promise<WebSocketClass> {
  if (!inNode()) return (globalThis as unknown as { WebSocket: WebSocketClass }).WebSocket;
  const ws = await import('ws');
  return ws.WebSocket as unknown as WebSocketClass;
}

/** The URL, subprotocols and headers of one connection attempt. */
export async function handshake(baseUrl: string, path: string, auth: SocketAuth) {
  const url = new URL(path, baseUrl.replace(/^http/, 'ws'));
  const protocols = [SUBPROTOCOL];
  const headers: Record<string, string> = {};
  if ('ticket' in auth) url.searchParams.set('ticket', await auth.ticket());
  else if ('apiKey' in auth) headers['x-api-key'] = auth.apiKey;
  else if ((auth.via ?? (inNode() ? 'header' : 'protocol')) === 'header')
    headers.authorization = `Bearer ${auth.token}`;
  else protocols.push(`bearer.${auth.token}`);
  return { url: url.toString(), protocols, headers };
}

/** An upgrade the server refused for good (401, 403, 404…): trying again would not help. */
const REFUSED = /Unexpected server response: (4(?!08|29)\d\d)/;

export interface ResilientSocket<M> {
  on<K extends keyof SocketEvents<M>>(event: K, fn: Listener<SocketEvents<M>[K]>): () => void;
  /** Sends now if connected; false when not (the message is not queued). */
  send(message: object): boolean;
  /** Resolves once connected the first time; rejects if the server refuses the caller. */
  readonly opened: Promise<void>;
  close(): void;
}

/** A small typed event emitter. */
function emitter<E>() {
  const listeners = new Map<keyof E, Set<Listener<never>>>();
  return {
    on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(fn as Listener<never>);
      listeners.set(event, set);
      return () => set.delete(fn as Listener<never>);
    },
    emit<K extends keyof E>(event: K, value: E[K]): void {
      for (const fn of listeners.get(event) ?? []) (fn as Listener<E[K]>)(value);
    },
  };
}

/** The wait before the next try: doubled per failure from `minDelayMs`, capped, with jitter. */
function backoffMs(retry: ReconnectOptions, failures: number): number {
  const ms = Math.min(retry.maxDelayMs ?? 15_000, (retry.minDelayMs ?? 500) * 2 ** failures);
  return ms * (0.5 + Math.random());
}

function parse<M>(data: unknown): M | Error {
  try {
    return JSON.parse(String(data)) as M;
  } catch {
    return new Error('the server sent a message that is not JSON');
  }
}

/** Keeps a socket to `path()` (asked again before each connection) open until `close()`. */
export function resilientSocket<M>(o: {
  baseUrl: string;
  path: () => string;
  auth: SocketAuth;
  reconnect?: ReconnectOptions | false;
  WebSocket?: WebSocketClass;
  /** Sees each message first; returns false to drop it (a duplicate). */
  accept?: (message: M) => boolean;
}): ResilientSocket<M> {
  const events = emitter<SocketEvents<M>>();
  const retry = o.reconnect === false ? null : (o.reconnect ?? {});
  const s = { current: null as WebSocketLike | null, closed: false, failures: 0, opens: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle = { ok: () => {}, fail: (_: Error) => {} };
  const opened = new Promise<void>((ok, fail) => (settle = { ok, fail }));
  opened.catch(() => undefined);

  const giveUp = (err: Error) => {
    s.closed = true;
    settle.fail(err);
    events.emit('error', err);
  };
  /** Schedules the next try, unless closed or out of tries; says whether it did. */
  const tryAgain = () => {
    if (!retry || s.closed || s.failures >= (retry.attempts ?? Number.POSITIVE_INFINITY))
      return false;
    timer = setTimeout(() => void connect(), backoffMs(retry, s.failures++));
    return true;
  };
  const attach = (ws: WebSocketLike) => {
    let refused: Error | null = null;
    ws.onopen = () => {
      s.failures = 0;
      events.emit('open', { reconnected: s.opens++ > 0 });
      settle.ok();
    };
    ws.onmessage = (event) => {
      const m = parse<M>(event.data);
      if (m instanceof Error) return events.emit('error', m);
      if (o.accept?.(m) !== false) events.emit('message', m);
    };
    ws.onerror = (event) => {
      const status = REFUSED.exec(event.message ?? '')?.[1];
      if (status) refused = new Error(`the server refused the socket: HTTP ${status}`);
    };
    ws.onclose = (event) => {
      s.current = null;
      if (refused) return giveUp(refused);
      const willReconnect = tryAgain();
      events.emit('close', { code: event.code, reason: event.reason, willReconnect });
      if (!willReconnect && !s.closed) giveUp(new Error('the socket closed and was not reopened'));
    };
  };
  async function connect(): Promise<void> {
    if (s.closed) return;
    try {
      const WS = o.WebSocket ?? (await defaultWebSocket());
      const h = await handshake(o.baseUrl, o.path(), o.auth);
      if (s.closed) return;
      s.current = new WS(h.url, h.protocols, { headers: h.headers });
      attach(s.current);
    } catch (err) {
      // No socket could be made (no ticket, say): a failed try like a drop.
      events.emit('error', err instanceof Error ? err : new Error(String(err)));
      if (!tryAgain()) giveUp(new Error('the socket could not be opened'));
    }
  }

  void connect();
  return {
    on: events.on,
    send(message) {
      if (!s.current || s.current.readyState !== 1) return false;
      s.current.send(JSON.stringify(message));
      return true;
    },
    opened,
    close() {
      s.closed = true;
      clearTimeout(timer);
      settle.fail(new Error('closed before it opened'));
      s.current?.close(1000, 'closed by the client');
    },
  };
}
