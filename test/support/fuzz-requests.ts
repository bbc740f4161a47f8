import fc from 'fast-check';
import { bodyArb, type FuzzWorld, nasty, validArb } from './fuzz-values.ts';
import type { DocOperation, DocParam } from './openapi.ts';

/*
 * Schema fuzzing's requests (test/chaos/fuzz.test.ts): path segments, queries, headers, content
 * types, methods and callers around the bodies of fuzz-values.ts.
 */

export type Principal = 'anonymous' | 'customer' | 'driver' | 'store' | 'ops';
export type Tokens = Record<Exclude<Principal, 'anonymous'>, string>;

export interface Operation {
  method: string;
  path: string;
  /** Callers the route admits (from its security and "Roles:" line): most requests come from them, to get past the role check. */
  admitted: Principal[];
  params: DocParam[];
  body: DocOperation['body'];
}
export interface FuzzRequest {
  principal: Principal;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
}

const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '..', '.', '%2e%2e', '%00', ''];
/** Replaces lone surrogates, which cannot be percent-encoded. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
const segmentArb = (w: FuzzWorld): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...w.known) },
    { weight: 3, arbitrary: fc.uuid() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '0',
        '1',
        '-1',
        '99999999999999999999',
        '9223372036854775808',
        '1e308',
        'NaN',
        'groceries',
        'a'.repeat(250),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 12 }),
          nasty.map((v) => (typeof v === 'string' ? v.slice(0, 300) : JSON.stringify(v))),
        )
        .map(encode),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
function queryArb(op: Operation, w: FuzzWorld): fc.Arbitrary<string> {
  const params = op.params.filter((p) => p.in === 'query');
  const value = (p: Operation['params'][number]) =>
    fc.oneof(
      { weight: 3, arbitrary: validArb(p.schema, p.name, w).map((v) => encode(String(v))) },
      {
        weight: 2,
        arbitrary: nasty.map((v) =>
          encode(typeof v === 'string' ? v.slice(0, 500) : (JSON.stringify(v) ?? '')),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '') },
    );
  const pairs = fc.tuple(
    ...params.map((p) =>
      fc.option(
        fc
          .array(value(p), { minLength: 1, maxLength: 2 })
          .map((vs) => vs.map((v) => `${p.name}=${v}`).join('&')),
        { freq: 3 },
      ),
    ),
    fc.option(
      fc
        .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
        .map(([k, v]) => `${encode(k)}=${encode(v)}`),
      { freq: 4 },
    ),
  );
  return pairs.map((ps) => ps.filter((x): x is string => x !== null && x.length > 0).join('&'));
}

const headerText = fc.string({
  unit: fc.constantFrom(...'abcXYZ019 -_.:/+=é\t'.split('')),
  maxLength: 40,
});
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/csv',
  'application/x-ndjson',
  'application/json; charset=utf-16',
  'application/problem+json',
  '',
];

/** A request for the operation, from one of its callers mostly, its parts fuzzed. */
export function requestArb(
  op: Operation,
  w: FuzzWorld & { tokens: Tokens },
): fc.Arbitrary<FuzzRequest> {
  return partsArb(op, w).map((parts) => assemble(op, w.tokens, parts));
}

function partsArb(op: Operation, w: FuzzWorld) {
  const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const mutating = op.method !== 'GET';
  return fc.record({
    principal: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...op.admitted) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Principal>('anonymous', 'customer', 'driver', 'store', 'ops'),
      },
    ),
    credential: fc.oneof(
      { weight: 10, arbitrary: fc.constant('as-is') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'Bearer garbage',
          'Bearer',
          'Basic b3BzOm9wcw==',
          'Bearer a.b.c',
          'tamper',
          'api-key',
        ),
      },
    ),
    segments: fc.tuple(...pathNames.map(() => segmentArb(w))),
    query: queryArb(op, w),
    body: mutating ? bodyArb(op.body, w) : fc.constant(undefined),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant(op.body?.type ?? 'application/json') },
      { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    ),
    idempotencyKey: fc.oneof(
      { weight: 6, arbitrary: fc.uuid() },
      {
        weight: 1,
        arbitrary: fc.constantFrom<string | null>(null, '', 'k'.repeat(300), 'has spaces', 'clé'),
      },
      { weight: 1, arbitrary: headerText },
    ),
    method: fc.oneof(
      { weight: 25, arbitrary: fc.constant(op.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
    ),
    extraHeaders: fc.dictionary(
      fc.constantFrom(
        'x-request-id',
        'fakepay-signature',
        'x-api-key',
        'x-forwarded-for',
        'accept',
      ),
      headerText,
      { maxKeys: 2 },
    ),
  });
}

type Parts = ReturnType<typeof partsArb> extends fc.Arbitrary<infer P> ? P : never;

/** The request the drawn parts make: path filled in, credentials and headers set. */
function assemble(op: Operation, tokens: Tokens, r: Parts): FuzzRequest {
  let i = 0;
  const path = op.path.replace(/\{\w+\}/g, () => r.segments[i++] ?? '');
  const headers: Record<string, string> = { ...r.extraHeaders };
  if (r.principal !== 'anonymous') {
    const token = tokens[r.principal];
    const cred: Record<string, string> = {
      'as-is': `Bearer ${token}`,
      tamper: `Bearer ${token.slice(0, -3)}abc`,
      'api-key': '',
    };
    if (r.credential === 'api-key') headers['x-api-key'] = `lm_${token.slice(-20)}`;
    else headers.authorization = cred[r.credential] ?? r.credential;
  }
  if (r.body !== undefined && r.contentType) headers['content-type'] = r.contentType;
  if (r.method !== 'GET' && r.idempotencyKey !== null)
    headers['idempotency-key'] = r.idempotencyKey;
  const bodyAllowed = r.method !== 'GET';
  return {
    principal: r.principal,
    method: r.method,
    url: r.query ? `${path}?${r.query}` : path,
    headers,
    payload: bodyAllowed ? r.body : undefined,
  };
}
