import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { idCursor, intCursor, keyCursor, pageFrom, timeIdCursor } from './page-cursor.ts';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof AppError ? `${err.code} ${JSON.stringify(err.details)}` : String(err);
  }
  return 'accepted';
};

describe('page cursors', () => {
  const id = '018f3a52-7c1e-7000-8000-000000000001';

  it('reads back what it wrote, dates included', () => {
    const queue = keyCursor('queue', ['int', 'time', 'uuid']);
    const at = new Date('2026-12-06T10:00:00.123Z');
    expect(queue.decode(queue.encode([3, at, id]))).toEqual([3, at, id]);
    expect(idCursor('orders').decode(idCursor('orders').encode(id))).toBe(id);
    expect(timeIdCursor('w').decode(timeIdCursor('w').encode(at, id))).toEqual({ at, id });
    expect(intCursor('dl').decode(intCursor('dl').encode(42))).toBe(42);
  });

  it("refuses another list's cursor, a tampered one and garbage as a 400 naming the field", () => {
    const orders = idCursor('orders');
    const problem = refusal(() => orders.decode(idCursor('drivers').encode(id)));
    expect(problem).toContain('VALIDATION_FAILED');
    expect(problem).toContain('querystring.cursor');
    const forged = Buffer.from(JSON.stringify(['orders', "x' OR 1=1"])).toString('base64url');
    expect(refusal(() => orders.decode(forged))).toContain('VALIDATION_FAILED');
    expect(refusal(() => orders.decode('%%%'))).toContain('VALIDATION_FAILED');
    expect(refusal(() => intCursor('dl').decode(intCursor('dl').encode(0)))).toContain(
      'VALIDATION_FAILED',
    );
    const year = keyCursor('t', ['time']);
    const far = Buffer.from(JSON.stringify(['t', '+275760-09-13T00:00:00.000Z'])).toString(
      'base64url',
    );
    expect(refusal(() => year.decode(far))).toContain('VALIDATION_FAILED');
  });

  it('gives a next cursor only when a row beyond the page was read', () => {
    const rows = [1, 2, 3];
    expect(pageFrom(rows, 2, String, String)).toEqual({ items: ['1', '2'], next_cursor: '2' });
    expect(pageFrom(rows, 3, String, String)).toEqual({
      items: ['1', '2', '3'],
      next_cursor: null,
    });
  });
});
