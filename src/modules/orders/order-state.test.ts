import { describe, expect, it } from 'vitest';
import {
  BEFORE_PICKUP,
  canCancel,
  CUSTOMER_CANCELLABLE,
  OPEN_STATUSES,
  ORDER_STATUSES,
  sourcesOf,
  TERMINAL,
} from './order-state.ts';

describe('the open statuses', () => {
  it('are the paid ones not yet ended, in the order of an order’s life', () => {
    expect(OPEN_STATUSES).toEqual(['authorized', 'accepted', 'preparing', 'ready', 'picked_up']);
  });

  it('are before pickup until a driver has the bag', () => {
    expect(BEFORE_PICKUP).toEqual(['authorized', 'accepted', 'preparing', 'ready']);
  });
});

describe('canCancel (the order answer’s can_cancel)', () => {
  it('holds until a driver has the bag, and never once the order ended', () => {
    const pickedUp = ORDER_STATUSES.indexOf('picked_up');
    expect(ORDER_STATUSES.filter(canCancel)).toEqual(ORDER_STATUSES.slice(0, pickedUp));
    for (const s of TERMINAL) expect(canCancel(s)).toBe(false);
  });

  it('is the same for the two callers of the cancel route: the customer and ops', () => {
    // The route lets a customer cancel from CUSTOMER_CANCELLABLE, ops from wherever the order can
    // become canceled: one field can speak for both only while these are the same statuses.
    expect(ORDER_STATUSES.filter(canCancel)).toEqual([...CUSTOMER_CANCELLABLE]);
    expect(ORDER_STATUSES.filter(canCancel)).toEqual(sourcesOf('canceled'));
  });
});
