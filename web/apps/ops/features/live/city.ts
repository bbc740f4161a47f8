import {
  type LastmileClient,
  openOpsCitySocket,
  type OpsCityDriver,
  type OpsCityFrame,
  type OpsCityMessage,
  type OpsCityOrder,
  type OpsCityPosition,
  type OpsCitySocket,
  type OpsCityStore,
  type OpsCityZone,
  unwrap,
} from '@lastmile/client';

// The city as the live map's socket tells it, kept in plain Maps by id and changed in place: a
// city's drivers move every second, which must not go through React state. The canvas redraws
// on each change (at most once an animation frame); the panel reads it at its own pace.

export interface City {
  positions: Map<string, OpsCityPosition>;
  drivers: Map<string, OpsCityDriver>;
  orders: Map<string, OpsCityOrder>;
  stores: Map<string, OpsCityStore>;
  /** By H3 cell. */
  zones: Map<string, OpsCityZone>;
}
type Kind = keyof City;
const KINDS: readonly Kind[] = ['positions', 'drivers', 'orders', 'stores', 'zones'];

const keyOf = (e: { id: string } | { cell: string }) => ('id' in e ? e.id : e.cell);

function replace(city: City, kind: Kind, list: ReadonlyArray<{ id: string } | { cell: string }>) {
  const map = city[kind] as Map<string, unknown>;
  map.clear();
  for (const e of list) map.set(keyOf(e), e);
}

function patch(city: City, kind: Kind, c: NonNullable<OpsCityFrame[Kind]>) {
  const map = city[kind] as Map<string, unknown>;
  for (const id of c.remove) map.delete(id);
  for (const e of c.upsert) map.set(keyOf(e), e);
}

/** A message applied to the city in place; the positions it brings wait to be drawn. */
function apply(city: City, unpainted: Map<string, number>, msg: OpsCityMessage) {
  if (msg.type === 'heartbeat') return;
  if (msg.type === 'snapshot') {
    for (const kind of KINDS) replace(city, kind, msg[kind]);
    unpainted.clear();
    for (const p of msg.positions) unpainted.set(p.id, p.at);
    return;
  }
  for (const kind of KINDS) {
    const c = msg[kind];
    if (c) patch(city, kind, c);
  }
  for (const p of msg.positions?.upsert ?? []) unpainted.set(p.id, p.at);
  for (const id of msg.positions?.remove ?? []) unpainted.delete(id);
}

/** The city, the socket that keeps it current, and who to tell when it changed. */
export function liveCity(api: LastmileClient) {
  const city: City = {
    positions: new Map(),
    drivers: new Map(),
    orders: new Map(),
    stores: new Map(),
    zones: new Map(),
  };
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
        apply(city, unpainted, m);
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
