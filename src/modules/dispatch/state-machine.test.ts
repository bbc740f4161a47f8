import { describe, expect, it } from 'vitest';
import { BEFORE_PICKUP, DELIVERY_TERMINAL, stepSources } from './delivery-state.ts';
import { Delivery, Trip } from './dispatch.schemas.ts';
import { sourcesOf, transitionsText } from './state-machine.ts';
import { OPEN_TRIP, tripSources } from './trip-state.ts';

describe('status machines', () => {
  it('reads sources and the documented moves off one table', () => {
    const table = { a: ['b', 'c'], b: ['c'], c: [] } as const;
    expect(sourcesOf(table, 'c')).toEqual(['a', 'b']);
    expect(sourcesOf(table, 'a')).toEqual([]);
    expect(transitionsText(table)).toBe('a → b | c; b → c; final: c');
  });

  it('guards every move with the sources the tables give', () => {
    expect(BEFORE_PICKUP).toEqual(['pending', 'assigned', 'at_store']);
    expect([...DELIVERY_TERMINAL]).toEqual(['delivered', 'failed', 'returned', 'canceled']);
    expect(stepSources('failed')).toEqual(['picked_up', 'at_dropoff']);
    expect(stepSources('picked_up')).toEqual(['at_store']);
    expect(OPEN_TRIP).toEqual(['scheduled', 'searching']);
    expect(tripSources('assigned')).toEqual(['offered']);
    expect(tripSources('done')).toEqual(['assigned']);
  });

  it('documents each status field with its moves', () => {
    const status = (schema: { properties: { status: unknown } }) =>
      schema.properties.status as { enum: string[]; description: string };
    expect(status(Delivery).description).toContain(
      'at_store → picked_up | pending | canceled; picked_up → at_dropoff | failed | returned',
    );
    expect(status(Trip).enum).toEqual([
      'scheduled',
      'searching',
      'offered',
      'assigned',
      'done',
      'canceled',
    ]);
    expect(status(Trip).description).toContain('offered → assigned | searching | canceled');
  });
});
