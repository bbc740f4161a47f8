import { describe, expect, it } from 'vitest';
import { REDACTED, redacted } from './redact.ts';

describe('redacted', () => {
  it('hides every string field named for a secret, at any depth, and keeps counts', () => {
    const out = redacted({
      card_token: 'tok_visa',
      paymentMethod: 'tok_visa',
      pin: '1234',
      pin_failures: 2,
      pin_locked_at: null,
      nested: { secret: 's3cr3t', password_hash: '$argon2id$…', api_key: 'lm_x_y', ok: 'kept' },
      list: [{ signature: 't=1,v1=ab' }, { note: 'kept' }],
      authorized_minor: 1994,
      idempotency_key: 'order:1:authorize',
    });
    expect(out).toEqual({
      card_token: REDACTED,
      paymentMethod: REDACTED,
      pin: REDACTED,
      pin_failures: 2,
      pin_locked_at: null,
      nested: { secret: REDACTED, password_hash: REDACTED, api_key: REDACTED, ok: 'kept' },
      list: [{ signature: REDACTED }, { note: 'kept' }],
      authorized_minor: 1994,
      idempotency_key: 'order:1:authorize',
    });
  });

  it('cuts long text, long lists, wide and deep objects; writes dates as ISO text', () => {
    const out = redacted({
      text: 'x'.repeat(1000),
      items: Array.from({ length: 50 }, (_, i) => i),
      wide: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
      at: new Date('2026-12-06T18:00:00.000Z'),
      big: 10n,
      gone: undefined,
    });
    expect((out.text as string).length).toBe(301);
    expect(out.items).toHaveLength(21);
    expect((out.items as unknown[]).at(-1)).toBe('… 30 more');
    expect(Object.keys(out.wide as object)).toHaveLength(41);
    expect(out.deep).toEqual({ a: { b: { c: { d: '[…]' } } } });
    expect(out.at).toBe('2026-12-06T18:00:00.000Z');
    expect(out.big).toBe('10');
    expect('gone' in out).toBe(false);
  });
});
