import { describe, expect, it } from 'vitest';
import { idPrefixRange, placedIdRange } from '../orders/index.ts';
import type { OrderSearchRow } from '../orders/index.ts';
import { isLate } from './order-search.service.ts';

describe('order search keys', () => {
  it('turns an id or its start into the range of ids it spans', () => {
    expect(idPrefixRange('0190F0C2-6a')).toEqual({
      from: '0190f0c2-6a00-0000-0000-000000000000',
      to: '0190f0c2-6aff-ffff-ffff-ffffffffffff',
    });
    const id = '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10';
    expect(idPrefixRange(id)).toEqual({ from: id, to: id });
    expect(idPrefixRange('-')).toBeNull();
    expect(idPrefixRange('g')).toBeNull();
    expect(idPrefixRange('a'.repeat(33))).toBeNull();
  });

  it('turns a placement time range into the ids made then, widened by the margin', () => {
    const from = new Date('2026-12-06T18:00:00.000Z');
    const to = new Date('2026-12-06T19:00:00.000Z');
    const r = placedIdRange(from, to);
    const ms = (uuid: string) => parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
    expect(ms(r.from)).toBe(from.getTime() - 5 * 60_000);
    expect(ms(r.to)).toBe(to.getTime() + 5 * 60_000);
    expect(r.from.endsWith('0000-0000-000000000000')).toBe(true);
    expect(r.to.endsWith('ffff-ffff-ffffffffffff')).toBe(true);
    expect(placedIdRange()).toEqual({
      from: '00000000-0000-0000-0000-000000000000',
      to: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    });
  });
});

describe('isLate', () => {
  const promiseTo = new Date('2026-12-06T18:40:00.000Z');
  const order = (status: OrderSearchRow['status'], statusAt: string, promise = true) =>
    ({
      status,
      status_at: new Date(statusAt),
      promise_from: promise ? new Date('2026-12-06T18:20:00.000Z') : null,
      promise_to: promise ? promiseTo : null,
    }) as OrderSearchRow;
  const after = promiseTo.getTime() + 60_000;
  const before = promiseTo.getTime() - 60_000;

  it('is late when still open past the window, or delivered after it', () => {
    expect(isLate(order('picked_up', '2026-12-06T18:30:00.000Z'), after)).toBe(true);
    expect(isLate(order('picked_up', '2026-12-06T18:30:00.000Z'), before)).toBe(false);
    expect(isLate(order('delivered', '2026-12-06T18:45:00.000Z'), before)).toBe(true);
    expect(isLate(order('delivered', '2026-12-06T18:35:00.000Z'), after)).toBe(false);
  });

  it('is never late without a window, nor once canceled or failed', () => {
    expect(isLate(order('accepted', '2026-12-06T18:30:00.000Z', false), after)).toBe(false);
    expect(isLate(order('canceled', '2026-12-06T18:50:00.000Z'), after)).toBe(false);
    expect(isLate(order('failed', '2026-12-06T18:50:00.000Z'), after)).toBe(false);
  });
});
