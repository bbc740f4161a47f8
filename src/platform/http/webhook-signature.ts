import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one webhook signature scheme, for the webhooks we send partners (`Lastmile-Signature`) and
 * those the payment provider sends us (`Fakepay-Signature`); only the header's name differs. In the
 * style of Stripe: `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` where each v1 is
 * HMAC-SHA256(secret, `${t}.${rawBody}`). Signing the timestamp with the body lets the receiver
 * refuse an old captured request (a replay) without keeping every body it ever saw.
 *
 * Secret rotation: a sender holding two secrets signs with both (one v1 each), and a receiver
 * holding two accepts either, so neither side has to switch at the same instant as the other.
 */
export const SIGNATURE_TOLERANCE_S = 300;

type Secrets = string | readonly string[];

const list = (secrets: Secrets): readonly string[] =>
  typeof secrets === 'string' ? [secrets] : secrets;

const hmac = (secret: string, t: number, body: string): Buffer =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest();

/** The header value: the timestamp and one v1 per secret. */
export function signWebhook(secrets: Secrets, rawBody: string, tSeconds: number): string {
  const macs = list(secrets).map((s) => `v1=${hmac(s, tSeconds, rawBody).toString('hex')}`);
  return [`t=${tSeconds}`, ...macs].join(',');
}

export type SignatureCheck =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Accepts the header when one of its v1 values is the HMAC of the body under one of `secrets`
 * and its timestamp is within `toleranceS` of `nowSeconds`. The signature is checked before the
 * time, so only someone holding a valid signature learns that it expired.
 */
export function verifyWebhook(
  secrets: Secrets,
  header: string | undefined,
  rawBody: string,
  nowSeconds: number,
  toleranceS = SIGNATURE_TOLERANCE_S,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const { t, candidates } = parsed;
  const expected = list(secrets).map((s) => hmac(s, t, rawBody));
  // Constant-time comparisons, so the response time says nothing about how much of a guess was right.
  const matches = candidates.some((c) => expected.some((e) => timingSafeEqual(c, e)));
  if (!matches) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - t) > toleranceS) return { ok: false, reason: 'stale' };
  return { ok: true };
}

/** `t` once (digits), and every well-formed v1 (64 hex digits); unknown parts are ignored. */
function parseHeader(header: string): { t: number; candidates: Buffer[] } | null {
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) candidates.push(Buffer.from(v, 'hex'));
  }
  return t === undefined || candidates.length === 0 ? null : { t, candidates };
}
