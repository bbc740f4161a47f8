import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi-types.ts';
import { errorOf } from './problem.ts';

// The typed client of the lastmile API. Paths, parameters, bodies and answers come from the API's
// OpenAPI document (`openapi-types.ts`, generated); calls answer openapi-fetch's
// `{ data, error, response }`, and `unwrap()` turns them into the data or a thrown LastmileProblem.

export type { components, operations, paths } from './openapi-types.ts';
export {
  errorOf,
  isProblem,
  LastmileHttpError,
  LastmileProblem,
  type Problem,
  type ProblemCode,
} from './problem.ts';
export * from './sockets.ts';
export type * from './socket-messages.ts';

/** The API's named schemas (`Session`, `Problem`, …). */
export type Schemas = components['schemas'];

export interface LastmileClientOptions {
  /** Where the API answers, e.g. `https://api.example.com` (no trailing `/v1`). */
  baseUrl: string;
  /** A bearer token (`POST /v1/auth/token`), sent as `Authorization: Bearer …`. */
  token?: string | undefined;
  /** A partner API key, sent as `X-Api-Key`. */
  apiKey?: string | undefined;
  /** The fetch to send with (tests, retries, metrics); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Makes the Idempotency-Key of a mutating call that carries none (a random UUID by default);
   * `false` sends only the keys the calls carry.
   */
  idempotencyKey?: (() => string) | false;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export interface LastmileClient extends Client<paths> {
  readonly options: Readonly<LastmileClientOptions>;
  /** Signs the following calls with this bearer token (none: unsigned). */
  setToken(token: string | undefined): void;
  /** Another client on the same transport, acting as the holder of `token`. */
  withToken(token: string | undefined): LastmileClient;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A fresh Idempotency-Key. Make one per logical operation and send it on every attempt of that
 * operation (`params: { header: { 'idempotency-key': key } }`): a retry after a lost answer then
 * gets the first answer replayed instead of acting twice.
 */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Signs each request (bearer token or API key, unless the call set its own) and gives each
 * mutating call without an Idempotency-Key a new one, so a call the network layer repeats is safe.
 */
function signAndKey(auth: { token?: string | undefined }, o: LastmileClientOptions): Middleware {
  const makeKey = o.idempotencyKey === false ? null : (o.idempotencyKey ?? newIdempotencyKey);
  return {
    onRequest({ request }) {
      const h = request.headers;
      if (auth.token && !h.has('authorization')) h.set('authorization', `Bearer ${auth.token}`);
      if (o.apiKey && !h.has('x-api-key')) h.set('x-api-key', o.apiKey);
      if (makeKey && MUTATING.has(request.method) && !h.has('idempotency-key'))
        h.set('idempotency-key', makeKey());
      return request;
    },
  };
}

/** A client of the API at `baseUrl`, signed with `token` or `apiKey` when given. */
export function createLastmileClient(options: LastmileClientOptions): LastmileClient {
  const auth = { token: options.token };
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  client.use(signAndKey(auth, options));
  return Object.assign(client, {
    options,
    setToken(token: string | undefined) {
      auth.token = token;
    },
    withToken(token: string | undefined) {
      return createLastmileClient({ ...options, token });
    },
  });
}

/** What every call answers (openapi-fetch): the data of a 2xx, else the parsed error body. */
export interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful call, or the failure thrown: a `LastmileProblem` for an
 * `application/problem+json` answer (status, code, detail, extra fields), else a LastmileHttpError.
 */
export async function unwrap<D>(call: Answer<D> | Promise<Answer<D>>): Promise<D> {
  const res = await call;
  if (res.response.ok) return res.data as D;
  throw errorOf(res.error, res.response);
}
