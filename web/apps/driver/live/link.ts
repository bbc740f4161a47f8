import {
  ChannelRefusal,
  type DriverChannel,
  type DriverChannelMessage,
  type LastmileClient,
  LastmileHttpError,
  LastmileProblem,
  type LocationFix,
  openDriverChannel,
  unwrap,
} from '@lastmile/client';

/** The driver channel as the app sees it. */
export type ChannelState = 'closed' | 'connecting' | 'open';

/** How often an open channel is asked whether it still answers, and how long it has to. */
const PING_EVERY_MS = 5_000;
const PING_WAIT_MS = 3_000;
/** How long an upload over the channel may take before the app tries REST instead. */
const SEND_WAIT_MS = 5_000;
/** Refusals that say "not now" rather than "never": the points are sent again later. */
const TRY_AGAIN = new Set(['OVERLOADED', 'RATE_LIMITED', 'DEPENDENCY_UNAVAILABLE', 'INTERNAL']);

/** An answer that says "later": the server is busy or failing, or asks to slow down. */
const retryable = (err: LastmileHttpError) =>
  err.status >= 500 ||
  err.status === 429 ||
  (err instanceof LastmileProblem && TRY_AGAIN.has(err.code));

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('no answer in time')), ms);
    p.then(ok, fail).finally(() => clearTimeout(timer));
  });
}

/**
 * Uploads one batch: over the channel when it is open, else (or when it fails) over REST.
 * Resolves once the API took it or refused it for good; throws when it should be sent again.
 */
async function upload(
  api: LastmileClient,
  channel: DriverChannel | null,
  points: LocationFix[],
): Promise<void> {
  if (channel) {
    try {
      await within(channel.sendLocations(points), SEND_WAIT_MS);
      return;
    } catch (err) {
      if (err instanceof ChannelRefusal && !TRY_AGAIN.has(err.refusal.code)) return;
    }
  }
  try {
    await unwrap(api.POST('/v1/drivers/me/locations', { body: { points } }));
  } catch (err) {
    // Refused for its content (a point too far in the future…): sending it again won't help.
    if (err instanceof LastmileHttpError && !retryable(err)) return;
    throw err;
  }
}

/**
 * The driver channel (`GET /v1/drivers/me/channel`) kept open while the driver works: pushes
 * (offers…) go to `onMessage`, `onOpen` runs on every (re)connection (pushes are not replayed, so
 * the app re-reads its state then). A channel that stops answering pings, or a browser that went
 * offline and came back, gets a fresh connection at once rather than after the SDK's backoff.
 */
export function driverLink(
  api: LastmileClient,
  on: { message: (m: DriverChannelMessage) => void; open: () => void },
) {
  let channel: DriverChannel | null = null;
  let state: ChannelState = 'closed';
  let pinger: ReturnType<typeof setInterval> | undefined;
  const listeners = new Set<() => void>();
  const set = (s: ChannelState) => {
    if (s === state) return;
    state = s;
    listeners.forEach((fn) => fn());
  };

  const connect = () => {
    channel?.close();
    set('connecting');
    const c = openDriverChannel({
      baseUrl: window.location.origin,
      reconnect: { minDelayMs: 500, maxDelayMs: 5_000 },
      auth: {
        ticket: async () =>
          (await unwrap(api.POST('/v1/realtime/tickets', { body: { socket: 'driver' } }))).ticket,
      },
    });
    channel = c;
    c.on('open', () => {
      if (channel !== c) return;
      set('open');
      on.open();
    });
    c.on('close', () => channel === c && set('connecting'));
    c.on('message', (m) => channel === c && on.message(m));
  };

  /** An open channel that does not answer a ping is dead, whatever the socket says. */
  const check = async () => {
    const c = channel;
    if (!c || state !== 'open') return;
    try {
      await within(c.ping(), PING_WAIT_MS);
    } catch {
      if (channel === c) connect();
    }
  };
  const wentOffline = () => channel && set('connecting');
  const cameBack = () => channel && state !== 'open' && connect();

  return {
    get state() {
      return state;
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    start() {
      if (channel) return;
      connect();
      pinger = setInterval(() => void check(), PING_EVERY_MS);
      window.addEventListener('offline', wentOffline);
      window.addEventListener('online', cameBack);
    },
    stop() {
      clearInterval(pinger);
      window.removeEventListener('offline', wentOffline);
      window.removeEventListener('online', cameBack);
      channel?.close();
      channel = null;
      set('closed');
    },
    /** Uploads one batch (see `upload`). */
    send: (points: LocationFix[]) =>
      upload(api, channel && state === 'open' ? channel : null, points),
  };
}

export type DriverLink = ReturnType<typeof driverLink>;
