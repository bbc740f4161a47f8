import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { optionalBody } from './audit-act.ts';
import { NamedProblemResponses } from './contract.ts';
import './fastify-types.ts';

/**
 * The OpenAPI document of every route registered after it; a route's `config.auth` becomes its
 * security requirement and the roles allowed, its `config.opsLevel` the extension `x-ops-level`.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  tags: readonly { name: string; description: string }[] = [],
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'lastmile API',
        version: '0.1.0',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        description:
          'Local delivery platform: stores, stock, orders, payments, dispatch and live tracking. Errors are application/problem+json with a stable `code`. Mutating routes accept `Idempotency-Key`.',
      },
      tags: [...tags],
      servers: [{ url: '/', description: 'The server that served this document' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
    // Shared schemas (app.addSchema) become components named by their $id.
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      const out = { ...(schema ?? {}) } as Record<string, unknown>;
      // A public route says so, rather than inheriting nothing.
      if (auth === 'public') out.security = [];
      if (route.websocket) documentSocket(out);
      if ([route.preValidation].flat().includes(optionalBody)) out[BODY_OPTIONAL] = true;
      if (auth && auth !== 'public') {
        out.security = [{ bearer: [] }, { apiKey: [] }];
        const level = route.config?.opsLevel;
        if (level) {
          out['x-ops-level'] = level;
          out.description = `${(out.description as string) ?? ''}\n\n${OPS_ADMIN_NOTE}`.trim();
        }
        // Last: readers take the roles from the document's final line.
        if (Array.isArray(auth))
          out.description =
            `${(out.description as string) ?? ''}\n\nRoles: ${auth.join(', ')}`.trim();
      }
      return { schema: out as never, url };
    },
    transformObject: (doc) =>
      withNamedProblemResponses(
        withOptionalBodies(
          withoutBodiesOfBodyless(
            tuplesAsPrefixItems('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
          ),
        ),
      ) as never,
  });
}

const OPS_ADMIN_NOTE =
  'Ops level: admin (`x-ops-level`). An ops agent is refused with 403 `OPS_ADMIN_REQUIRED`.';

const TICKET = {
  type: 'string',
  description:
    'A single-use ticket from POST /v1/realtime/tickets, for browsers (which cannot send Authorization); or offer the subprotocols ["lastmile.v1", "bearer.<token>"]',
};

/**
 * A WebSocket route (hidden by @fastify/websocket) as a GET that answers 101, with the ways a
 * browser authenticates; its messages are in the AsyncAPI document.
 */
function documentSocket(out: Record<string, unknown>): void {
  delete out.hide;
  const query = (out.querystring ?? { type: 'object', properties: {} }) as {
    properties?: Record<string, unknown>;
  };
  out.querystring = { ...query, properties: { ...query.properties, ticket: TICKET } };
  out.response = {
    ...(out.response as object | undefined),
    101: {
      description:
        'Switching Protocols: the WebSocket is open (subprotocol lastmile.v1 when offered). Its messages are described in /asyncapi.json',
      type: 'null',
    },
  };
  out.description = [
    out.description,
    'A WebSocket upgrade. Browsers authenticate with `?ticket=` or the subprotocols `lastmile.v1` + `bearer.<token>`; other clients may send `Authorization`. A page of another origin is refused (403) unless LASTMILE_WS_ALLOWED_ORIGINS allows it; a plain GET is 426.',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The document at /openapi.json and a reference to read it at /docs. */
export async function serveOpenApi(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', title: 'lastmile API' },
  });
}

/**
 * A 204 or 304 has no body, but @fastify/swagger gives a response declared without a schema
 * (`empty()`) a JSON body of any shape; generated clients would then type that answer as unknown.
 */
/** Marks (in `transform`) a route whose body may be left out (`preValidation: optionalBody`). */
const BODY_OPTIONAL = 'x-body-optional';

/** Such a route's `requestBody` is not required (the swagger plugin always writes `true`). */
function withOptionalBodies(doc: unknown): unknown {
  type Op = { requestBody?: { required?: boolean }; [BODY_OPTIONAL]?: boolean };
  const paths = (doc as { paths?: Record<string, Record<string, Op>> }).paths;
  for (const ops of Object.values(paths ?? {}))
    for (const op of Object.values(ops)) {
      if (!op[BODY_OPTIONAL]) continue;
      delete op[BODY_OPTIONAL];
      if (op.requestBody) op.requestBody.required = false;
    }
  return doc;
}

function withoutBodiesOfBodyless(doc: unknown): unknown {
  const paths = (doc as { paths?: Record<string, Record<string, { responses?: object }>> }).paths;
  for (const ops of Object.values(paths ?? {}))
    for (const op of Object.values(ops))
      for (const [status, answer] of Object.entries(op.responses ?? {}))
        if (status === '204' || status === '304') delete (answer as { content?: unknown }).content;
  return doc;
}

/**
 * TypeBox writes a tuple as `items: [..]` + `additionalItems` (draft 7); OpenAPI 3.1 speaks JSON
 * Schema 2020-12, where that is `prefixItems` + `items: false`.
 */
function tuplesAsPrefixItems(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tuplesAsPrefixItems);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  // Examples are data, not schemas: a page's `items: [...]` is no tuple.
  for (const [k, v] of Object.entries(node))
    out[k] = k === 'examples' && Array.isArray(v) ? v : tuplesAsPrefixItems(v);
  if (Array.isArray(out.items)) {
    out.prefixItems = out.items;
    out.items = false;
    delete out.additionalItems;
  }
  return out;
}

/** A JSON value's text with every object's keys sorted: equal values, equal texts. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** A problem answer's headers and body as the swagger plugin writes them (less its description). */
function problemAnswerShape(headers: Record<string, { description?: string }>) {
  return {
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, { description, ...schema }]) => [
        name,
        { schema, ...(description ? { description } : {}) },
      ]),
    ),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/**
 * The problem answers of the shapes `NamedProblemResponses` names, written once as
 * `components.responses`: an operation's answer of such a shape becomes a reference to it that
 * keeps the answer's own description (the codes it may carry).
 */
function withNamedProblemResponses(doc: unknown): unknown {
  type Answer = { description?: string; [key: string]: unknown };
  const d = doc as {
    paths?: Record<string, Record<string, { responses?: Record<string, Answer> }>>;
    components?: Record<string, unknown>;
  };
  const nameOf = new Map<string, string>();
  const responses: Record<string, object> = {};
  for (const [name, { description, headers }] of Object.entries(NamedProblemResponses)) {
    const shape = problemAnswerShape(headers);
    nameOf.set(canonical(shape), name);
    responses[name] = { description, ...shape };
  }
  for (const ops of Object.values(d.paths ?? {}))
    for (const op of Object.values(ops)) {
      const answers = op.responses ?? {};
      for (const [status, { description, ...shape }] of Object.entries(answers)) {
        const name = nameOf.get(canonical(shape));
        if (name) answers[status] = { $ref: `#/components/responses/${name}`, description };
      }
    }
  d.components = { ...d.components, responses };
  return doc;
}
