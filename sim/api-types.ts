import type { paths } from '../src/client/index.ts';

// The simulator calls the API through the typed client, so its requests and the answers it reads
// are checked against the OpenAPI document: every route it uses declares its success answer.

export type SimPaths = paths;

type OkStatus = 200 | 201 | 202 | 203 | 204;
type JsonOf<Answer> = Answer extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body of a route's success answer (of any 2xx that has one), as the simulator sees it. */
export type Body<P extends keyof SimPaths, M extends keyof SimPaths[P]> = SimPaths[P][M] extends {
  responses: infer R;
}
  ? JsonOf<R[Extract<keyof R, OkStatus>]>
  : never;
