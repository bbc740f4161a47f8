import type { paths } from '../src/client/index.ts';

// The simulator calls the API through the typed client, so its requests are checked against the
// OpenAPI document. Answers are typed from the document too, except on routes that do not declare
// their success answer yet: for those, `Reads` names the fields the simulator reads, by their
// documented names. A route that declares its answer takes its generated type instead, and its
// entry here is ignored; once every route declares one, this file reduces to `paths`.

type Instant = string;
type LatLng = { lat: number; lng: number };

interface OrderRead {
  id: string;
  status: string;
  lines?: Array<{ product_id: string; quantity: number }>;
}

interface TripRead {
  id: string;
  pickup: LatLng;
  deliveries: Array<{
    id: string;
    order_id: string;
    status: string;
    dropoff: LatLng & { address: string };
  }>;
}

/** What the simulator reads of each answer a route does not declare yet. */
interface Reads {
  '/v1/stores': { post: { id: string } };
  '/v1/stores/nearby': { get: { items: Array<{ id: string }> } };
  '/v1/stores/{id}/products': {
    get: { items: Array<{ id: string; sku: string }>; next_cursor: string | null };
  };
  '/v1/orders': {
    get: { items: OrderRead[] };
    post: { id: string; status: string; promise: { from: Instant; to: Instant } | null };
  };
  '/v1/orders/{id}': { get: OrderRead };
  '/v1/orders/{id}/delivery': { get: { pin?: string } };
  '/v1/dispatch/trips/current': { get: { trip: TripRead | null } };
  '/v1/dispatch/offers': { get: { items: Array<{ id: string; trip_id: string }> } };
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

/** The JSON body of a route's success answer, as the simulator sees it. */
export type Body<P extends keyof SimPaths, M extends keyof SimPaths[P]> = SimPaths[P][M] extends {
  responses: infer R;
}
  ? R[Extract<keyof R, OkStatus>] extends { content: { 'application/json': infer B } }
    ? B
    : never
  : never;
