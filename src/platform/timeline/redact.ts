/**
 * What an operator may see of a record's fields: secrets out, big payloads cut. The sources choose
 * their fields, but some carry payloads as they were stored (event payloads, workflow inputs and
 * step outputs), so every entry passes here before it is answered.
 */

/** Words that name a secret, as one part of a field's name (`card_token`, `paymentMethod`, `pin`). */
const SECRET_WORDS = new Set([
  'pin',
  'token',
  'secret',
  'password',
  'signature',
  'card',
  'cvc',
  'cvv',
  'iban',
  'pan',
  'otp',
  'authorization',
]);
/** Names that are a secret only as a whole (the card token an order pays with). */
const SECRET_NAMES = new Set(['paymentmethod', 'payment_method', 'apikey', 'api_key', 'key_hash']);

export const REDACTED = '[redacted]';
const MAX_STRING = 300;
const MAX_ITEMS = 20;
const MAX_KEYS = 40;
const MAX_DEPTH = 4;

/** The parts of a field name: `card_token` → card, token; `paymentMethod` → payment, method. */
const wordsOf = (key: string): string[] =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Whether the field holds a secret: numbers and booleans are kept (`pin_failures: 2`). */
function secret(key: string, value: unknown): boolean {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return false;
  const lower = key.toLowerCase();
  return SECRET_NAMES.has(lower) || wordsOf(key).some((w) => SECRET_WORDS.has(w));
}

function trim(value: unknown, depth: number): unknown {
  if (typeof value === 'string')
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') {
    // JSON has no undefined, bigint or function: say what it was.
    if (typeof value === 'bigint') return value.toString();
    return typeof value === 'number' || typeof value === 'boolean' ? value : null;
  }
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((v) => trim(v, depth + 1));
    return value.length > MAX_ITEMS ? [...kept, `… ${value.length - MAX_ITEMS} more`] : kept;
  }
  return redactedObject(value as Record<string, unknown>, depth + 1);
}

function redactedObject(o: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(o);
  for (const k of keys.slice(0, MAX_KEYS)) {
    const v = o[k];
    if (v === undefined) continue;
    out[k] = secret(k, v) ? REDACTED : trim(v, depth);
  }
  if (keys.length > MAX_KEYS) out['…'] = `${keys.length - MAX_KEYS} more fields`;
  return out;
}

/**
 * A copy of `data` fit to show: every string field whose name says secret (token, PIN, password,
 * card…) replaced by `[redacted]`, strings cut at 300 characters, arrays at 20 items, objects at
 * 40 fields and 4 levels, dates as ISO text.
 */
export function redacted(data: Record<string, unknown>): Record<string, unknown> {
  return redactedObject(data, 0);
}
