import {
  type LastmileClient,
  openOpsCitySocket,
  type OpsCitySocket,
  unwrap,
} from '@lastmile/client';
import { applyCityMessage, emptyCity } from './city-state.ts';

// The city kept current by its socket (the city itself: city-state.ts).

export type { City } from './city-state.ts';

/** The city, the socket that keeps it current, and who to tell when it changed. */
export function liveCity(api: LastmileClient) {
  const city = emptyCity();
  /** Positions received and not drawn yet: when each was recorded (the measurement's start). */
  const unpainted = new Map<string, number>();
  const listeners = new Set<() => void>();
  let socket: OpsCitySocket | null = null;
  let connected = false;
  let version = 0;
  const changed = () => {
    version++;
    listeners.forEach((fn) => fn());
  };

  return {
    city,
    unpainted,
    get connected() {
      return connected;
    },
    /** Grows with every change: a reader compares it to what it last showed. */
    get version() {
      return version;
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    /** Something else the drawing depends on changed (the filters, the selection). */
    touch: changed,
    /** Opens the socket (a fresh ticket per connection); it reconnects and resumes by itself. */
    start() {
      if (socket) return;
      socket = openOpsCitySocket({
        baseUrl: window.location.origin,
        auth: {
          ticket: async () =>
            (await unwrap(api.POST('/v1/realtime/tickets', { body: { socket: 'ops-city' } })))
              .ticket,
        },
      });
      socket.on('message', (m) => {
        connected = true;
        applyCityMessage(city, unpainted, m);
        changed();
      });
      socket.on('open', () => {
        connected = true;
        changed();
      });
      socket.on('close', () => {
        connected = false;
        changed();
      });
    },
    stop() {
      socket?.close();
      socket = null;
      connected = false;
    },
  };
}

export type LiveCity = ReturnType<typeof liveCity>;
