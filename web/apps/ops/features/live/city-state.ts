import type {
  OpsCityDriver,
  OpsCityFrame,
  OpsCityMessage,
  OpsCityOrder,
  OpsCityPosition,
  OpsCityStore,
  OpsCityZone,
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
  /**
   * Every cell seen since the screen opened, as last seen (counted 0 once it went quiet): a zone
   * chosen in the filter, or in a bookmarked URL, keeps its outline and what stands in it.
   */
  cells: Map<string, OpsCityZone>;
}
type Kind = Exclude<keyof City, 'cells'>;
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

/** Cells as last seen: the ones there now, and those gone quiet with nothing counted. */
function remember(city: City, gone: readonly string[]) {
  for (const cell of gone) {
    const z = city.cells.get(cell);
    if (z) city.cells.set(cell, { ...z, demand: 0, supply: 0 });
  }
  for (const z of city.zones.values()) city.cells.set(z.cell, z);
}

/** A message applied to the city in place; the positions it brings wait to be drawn. */
export function applyCityMessage(city: City, unpainted: Map<string, number>, msg: OpsCityMessage) {
  if (msg.type === 'heartbeat') return;
  if (msg.type === 'snapshot') {
    const before = [...city.zones.keys()];
    for (const kind of KINDS) replace(city, kind, msg[kind]);
    remember(
      city,
      before.filter((cell) => !city.zones.has(cell)),
    );
    unpainted.clear();
    for (const p of msg.positions) unpainted.set(p.id, p.at);
    return;
  }
  for (const kind of KINDS) {
    const c = msg[kind];
    if (c) patch(city, kind, c);
  }
  if (msg.zones) remember(city, msg.zones.remove);
  for (const p of msg.positions?.upsert ?? []) unpainted.set(p.id, p.at);
  for (const id of msg.positions?.remove ?? []) unpainted.delete(id);
}

export const emptyCity = (): City => ({
  positions: new Map(),
  drivers: new Map(),
  orders: new Map(),
  stores: new Map(),
  zones: new Map(),
  cells: new Map(),
});
