import { describe, expect, it } from 'vitest';
import {
  canCancel,
  CUSTOMER_CANCELLABLE,
  ORDER_STATUSES,
  sourcesOf,
  TERMINAL,
} from './order-state.ts';

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
