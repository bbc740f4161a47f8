import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures in the style of Stripe: `Fakepay-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). Signing the timestamp with the body lets the receiver
 * refuse old captured requests (replay attacks) without keeping every body it ever saw.
 */
export const SIGNATURE_HEADER = 'fakepay-signature';
/** How far a signature's timestamp may be from our clock. */
export const SIGNATURE_TOLERANCE_S = 300;

const hmac = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export function signWebhook(secret: string, rawBody: string, tSeconds: number): string {
  return `t=${tSeconds},v1=${hmac(secret, tSeconds, rawBody)}`;
}

export type SignatureCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifyWebhook(
  secret: string,
  header: string | undefined,
  rawBody: string,
  nowSeconds: number,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    // Several v1 values are allowed so the sender can sign with an old and a new secret while rotating.
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) candidates.push(v);
  }
  if (t === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
  // Constant-time comparison, so the response time says nothing about how much of a guess was right.
  const matches = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  if (!matches) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_S) return { ok: false, reason: 'stale' };
  return { ok: true };
}
