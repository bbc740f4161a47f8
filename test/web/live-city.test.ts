import { describe, expect, it } from 'vitest';
import asyncapi from '../../contract/asyncapi.json' with { type: 'json' };
import type { OpsCityMessage } from '../../src/client/index.ts';
import { applyCityMessage, emptyCity } from '../../web/apps/ops/features/live/city-state.ts';
import { ORDER_STATES, shownOf } from '../../web/apps/ops/features/live/filters.ts';

// The live map's city as its socket tells it, and what the filters let through: a zone chosen in
// the filter (or a bookmarked URL) that went quiet keeps what stands in it.

const EPOCH = 'e1';
const AT = '2026-12-07T04:00:00.000Z';
const CELL = '881f1532dffffff';
const ELSEWHERE = '881f1532d3fffff';
const DRIVER = '00000000-0000-4000-8000-000000000001';
const FAR = '00000000-0000-4000-8000-000000000002';
const STORE_IN = '00000000-0000-4000-8000-000000000010';
const STORE_OUT = '00000000-0000-4000-8000-000000000011';
const DROP_IN = '00000000-0000-4000-8000-000000000020';
const FROM_STORE_IN = '00000000-0000-4000-8000-000000000021';
const NEITHER = '00000000-0000-4000-8000-000000000022';
const square = (lat: number, lng: number, d: number): Array<[number, number]> => [
  [lat - d, lng - d],
  [lat - d, lng + d],
  [lat + d, lng + d],
  [lat + d, lng - d],
];
const driver = (id: string) => ({
  id,
  name: id === DRIVER ? 'Ada' : 'Bo',
  status: 'available' as const,
  vehicle: 'bike' as const,
  trip_id: null,
  order_ids: [],
});

function snapshot(): Extract<OpsCityMessage, { type: 'snapshot' }> {
  return {
    type: 'snapshot',
    epoch: EPOCH,
    seq: 3,
    at: AT,
    positions: [
      { id: DRIVER, lat: 52.52, lng: 13.405, cell: CELL, at: 1 },
      { id: FAR, lat: 52.6, lng: 13.5, cell: ELSEWHERE, at: 1 },
    ],
    drivers: [driver(DRIVER), driver(FAR)],
    orders: [],
    stores: [],
    zones: [{ cell: CELL, boundary: square(52.52, 13.405, 0.002), demand: 0, supply: 1 }],
  };
}

describe('the live city', () => {
  it('keeps a zone that went quiet for the filter: its outline and who stands in it', () => {
    const city = emptyCity();
    const unpainted = new Map<string, number>();
    applyCityMessage(city, unpainted, snapshot());
    expect(shownOf(city, { zone: CELL }).drivers.map((x) => x.d.id)).toEqual([DRIVER]);
    applyCityMessage(city, unpainted, {
      type: 'frame',
      epoch: EPOCH,
      seq: 4,
      at: AT,
      zones: { upsert: [], remove: [CELL] },
    });
    expect(city.zones.has(CELL)).toBe(false);
    const shown = shownOf(city, { zone: CELL });
    expect(shown.drivers.map((x) => x.d.id)).toEqual([DRIVER]);
    expect(shown.zones).toEqual([expect.objectContaining({ cell: CELL, demand: 0, supply: 0 })]);
    expect(shownOf(city, {}).zones).toEqual([]);
  });

  it('moves a driver on a frame and waits to paint the new position', () => {
    const city = emptyCity();
    const unpainted = new Map<string, number>();
    applyCityMessage(city, unpainted, snapshot());
    unpainted.clear();
    applyCityMessage(city, unpainted, {
      type: 'frame',
      epoch: EPOCH,
      seq: 4,
      at: AT,
      positions: {
        upsert: [{ id: DRIVER, lat: 52.53, lng: 13.41, cell: ELSEWHERE, at: 2 }],
        remove: [FAR],
      },
    });
    expect(city.positions.get(DRIVER)).toMatchObject({ lat: 52.53, at: 2 });
    expect(city.positions.has(FAR)).toBe(false);
    expect([...unpainted]).toEqual([[DRIVER, 2]]);
    expect(shownOf(city, { zone: CELL }).drivers).toEqual([]);
  });

  it("narrows to a zone by the cells the server names: an order's drop-off or its store's", () => {
    const store = (id: string, cell: string) => ({
      id,
      name: id,
      lat: 52.5,
      lng: 13.4,
      cell,
      status: 'open' as const,
      open_orders: 1,
    });
    const order = (id: string, cell: string, storeId: string) => ({
      id,
      status: 'accepted' as const,
      store_id: storeId,
      lat: 52.5,
      lng: 13.4,
      cell,
      deadline_at: null,
      late: false,
    });
    const city = emptyCity();
    applyCityMessage(city, new Map(), {
      ...snapshot(),
      stores: [store(STORE_IN, CELL), store(STORE_OUT, ELSEWHERE)],
      orders: [
        order(DROP_IN, CELL, STORE_OUT),
        order(FROM_STORE_IN, ELSEWHERE, STORE_IN),
        order(NEITHER, ELSEWHERE, STORE_OUT),
      ],
    });
    const shown = shownOf(city, { zone: CELL });
    expect(shown.orders.map((o) => o.id).sort()).toEqual([DROP_IN, FROM_STORE_IN].sort());
    expect(shown.stores.map((s) => s.id)).toEqual([STORE_IN]);
  });
});

describe('the order states the filter offers', () => {
  it('are every status an order on the map can have, as the contract lists them', () => {
    const { orders } = asyncapi.components.messages['opsCity.snapshot'].payload.properties;
    expect(orders.items.$ref).toBe('#/components/schemas/OpsCityOrder');
    const order = asyncapi.components.schemas.OpsCityOrder;
    expect(ORDER_STATES).toEqual(order.properties.status.anyOf.map((s) => s.const));
  });
});
