import type { TSchema } from '@sinclair/typebox';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contractCheckEnabled, recordValidated, recordViolation } from '../contract/check.ts';
import { CODES_KEY, type ResponseSpec } from './contract.ts';

const PROBLEM_REF = { $ref: 'Problem' } as unknown as TSchema;

const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const checked = new WeakSet<FastifyRequest>();

const mediaOf = (reply: FastifyReply) =>
  String(reply.getHeader('content-type') ?? '')
    .split(';')[0]
    ?.trim() ?? '';

/**
 * In tests (`LASTMILE_CONTRACT_CHECK=1`), checks every answer against the route's declared
 * contract: the status must be declared, the media type must be the declared one, the body must
 * match its schema, and a problem's code must be one the status lists. A mismatch is recorded as a
 * violation (the test run fails on it); the answer itself is sent unchanged.
 */
export function checkResponsesAgainstContract(app: FastifyInstance): void {
  if (!contractCheckEnabled()) return;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  let loaded = false;
  const cache = new Map<object, Validate>();
  const compile = (schema: object): Validate => {
    if (!loaded) {
      for (const s of Object.values(app.getSchemas())) ajv.addSchema(s as object);
      loaded = true;
    }
    let v = cache.get(schema);
    if (!v) {
      v = ajv.compile(schema) as Validate;
      cache.set(schema, v);
    }
    return v;
  };

  const check = (
    request: FastifyRequest,
    reply: FastifyReply,
    body: unknown,
    hasBody: boolean,
    media: string,
    streamed = false,
  ) => {
    checked.add(request);
    const schema = request.routeOptions.schema as { response?: Record<string, ResponseSpec> };
    const route = request.routeOptions.url;
    const status = reply.statusCode;
    const where = `${request.method} ${route ?? '(no route)'} ${status}`;
    const fail = (detail: string) => recordViolation({ kind: 'http', where, detail });
    recordValidated('http');
    // Answers outside any route (unknown path, wrong method) are problems by construction.
    const spec: ResponseSpec | undefined = route
      ? (schema?.response?.[String(status)] ?? schema?.response?.[`${String(status)[0]}XX`])
      : { description: '', content: { 'application/problem+json': { schema: PROBLEM_REF } } };
    if (!schema?.response && route) return fail('the route declares no responses');
    if (!spec) return fail('status not declared');
    // A route may give its schema directly instead of per media type: that is JSON.
    const content =
      spec.content ?? (isSchema(spec) ? { 'application/json': { schema: spec as never } } : null);
    if (!content) {
      if (hasBody) fail(`declared without a body, sent ${media}`);
      return;
    }
    const declared = content[media];
    if (!declared) return fail(`media type ${media} not declared (${Object.keys(content)})`);
    // A streamed body (a CSV export) is not read here: its status and media type are checked.
    if (streamed) return;
    const validate = compile(declared.schema);
    if (!validate(body)) fail(`body does not match: ${JSON.stringify(validate.errors)}`);
    const codes = spec[CODES_KEY];
    const code = (body as { code?: string } | null)?.code;
    if (codes && code && !codes.includes(code as never))
      fail(`problem code ${code} not among ${codes.join(', ')}`);
  };

  app.addHook('preSerialization', async (request, reply, payload) => {
    // Fastify sets the JSON media type while serializing, after this hook.
    // As JSON shows it to a client: dates as ISO strings, undefined fields absent.
    const asJson = payload === undefined ? payload : JSON.parse(JSON.stringify(payload));
    if (!isHidden(request))
      check(request, reply, asJson, true, mediaOf(reply) || 'application/json');
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (checked.has(request) || isHidden(request)) return payload;
    if (reply.statusCode === 101) return payload;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload : null;
    const streamed = typeof (payload as { pipe?: unknown } | null)?.pipe === 'function';
    const hasBody = streamed || (text !== null && text.length > 0);
    let body: unknown = text !== null && text.length > 0 ? text.toString() : undefined;
    if (hasBody && /json/.test(mediaOf(reply))) {
      try {
        body = JSON.parse(String(body));
      } catch {
        // Not JSON although declared so: validated as the text it is, and refused by the schema.
      }
    }
    guarded(() => check(request, reply, body, hasBody, mediaOf(reply), streamed));
    return payload;
  });
}

const isSchema = (spec: object) =>
  ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'properties'].some((k) => k in spec);

/** The check must never change an answer: a failure of its own is recorded, not thrown. */
function guarded(run: () => void): void {
  try {
    run();
  } catch (err) {
    recordViolation({ kind: 'http', where: 'contract check', detail: String(err) });
  }
}

function isHidden(request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema as { hide?: boolean } | undefined;
  // Routes of the reference UI and the documents themselves are not part of the API contract.
  if (request.routeOptions.url && !schema) return true;
  return schema?.hide === true;
}
