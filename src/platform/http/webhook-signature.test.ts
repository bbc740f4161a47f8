import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_TOLERANCE_S, signWebhook, verifyWebhook } from './webhook-signature.ts';

const BODY = '{"id":"evt_1","type":"payment.captured"}';
const NOW = 1_700_000_000;

describe('webhook signatures', () => {
  it('signs t and the HMAC-SHA256 of "t.body", and accepts what it signed', () => {
    const header = signWebhook('whsec_a', BODY, NOW);
    const mac = createHmac('sha256', 'whsec_a').update(`${NOW}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${NOW},v1=${mac}`);
    expect(verifyWebhook('whsec_a', header, BODY, NOW)).toEqual({ ok: true });
  });

  it('refuses another secret, an altered body or an altered timestamp', () => {
    const header = signWebhook('whsec_a', BODY, NOW);
    const mismatch = { ok: false, reason: 'mismatch' };
    expect(verifyWebhook('whsec_b', header, BODY, NOW)).toEqual(mismatch);
    expect(verifyWebhook('whsec_a', header, `${BODY} `, NOW)).toEqual(mismatch);
    const moved = header.replace(`t=${NOW}`, `t=${NOW + 1}`);
    expect(verifyWebhook('whsec_a', moved, BODY, NOW)).toEqual(mismatch);
  });

  it('refuses a timestamp outside the tolerance, in either direction', () => {
    const header = signWebhook('whsec_a', BODY, NOW);
    expect(verifyWebhook('whsec_a', header, BODY, NOW + SIGNATURE_TOLERANCE_S)).toEqual({
      ok: true,
    });
    expect(verifyWebhook('whsec_a', header, BODY, NOW + SIGNATURE_TOLERANCE_S + 1)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhook('whsec_a', header, BODY, NOW - SIGNATURE_TOLERANCE_S - 1)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhook('whsec_a', header, BODY, NOW + 30, 10)).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('tells a missing header from a malformed one', () => {
    expect(verifyWebhook('whsec_a', undefined, BODY, NOW)).toEqual({
      ok: false,
      reason: 'missing',
    });
    for (const header of ['garbage', `t=${NOW}`, 'v1=abc', `t=soon,v1=${'a'.repeat(64)}`]) {
      expect(verifyWebhook('whsec_a', header, BODY, NOW)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('lets either side rotate: a sender signs with both secrets, a receiver accepts either', () => {
    const both = signWebhook(['whsec_old', 'whsec_new'], BODY, NOW);
    expect(both.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifyWebhook('whsec_old', both, BODY, NOW)).toEqual({ ok: true });
    expect(verifyWebhook('whsec_new', both, BODY, NOW)).toEqual({ ok: true });
    const oldOnly = signWebhook('whsec_old', BODY, NOW);
    expect(verifyWebhook(['whsec_new', 'whsec_old'], oldOnly, BODY, NOW)).toEqual({ ok: true });
    expect(verifyWebhook(['whsec_new', 'whsec_other'], oldOnly, BODY, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});
