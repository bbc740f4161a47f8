import type { paths } from '../src/client/index.ts';

// The simulator calls the API through the typed client, so its requests are checked against the
// OpenAPI document. Answers are typed from the document too, except on routes that do not declare
// their success answer yet: for those, `Reads` names the fields the simulator reads, by their
// documented names. A route that declares its answer takes its generated type instead, and its
// entry here is ignored; once every route declares one, this file reduces to `paths`.

type Instant = string;

interface OrderRead {
  id: string;
  status: string;
  lines?: Array<{ product_id: string; quantity: number }>;
}

/** What the simulator reads of each answer a route does not declare yet. */
interface Reads {
  '/v1/orders': {
    get: { items: OrderRead[] };
    post: { id: string; status: string; promise: { from: Instant; to: Instant } | null };
  };
  '/v1/orders/{id}': { get: OrderRead };
  '/v1/orders/{id}/payment': { post: { status: string } };
  '/v1/ops/payments/reconciliation': { get: { ok: boolean; mismatches: unknown[] } };
}

type OkStatus = 200 | 201 | 202 | 203 | 204;
type Declares<Op> = Op extends { responses: infer R }
  ? [Extract<keyof R, OkStatus>] extends [never]
    ? false
    : true
  : false;
type WithRead<Op, Read> =
  Declares<Op> extends true
    ? Op
    : Op & {
        responses: {
          200: { headers: { [name: string]: unknown }; content: { 'application/json': Read } };
        };
      };

/** The API's paths, with `Reads` standing in for the success answers not declared yet. */
export type SimPaths = {
  [P in keyof paths]: P extends keyof Reads
    ? {
        [M in keyof paths[P]]: M extends keyof Reads[P]
          ? WithRead<paths[P][M], Reads[P][M]>
          : paths[P][M];
      }
    : paths[P];
};

type JsonOf<Answer> = Answer extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body of a route's success answer (of any 2xx that has one), as the simulator sees it. */
export type Body<P extends keyof SimPaths, M extends keyof SimPaths[P]> = SimPaths[P][M] extends {
  responses: infer R;
}
  ? JsonOf<R[Extract<keyof R, OkStatus>]>
  : never;
