import type { FastifyInstance } from 'fastify';

/** The parts of a JSON schema the security sweep and the fuzzer read. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

export interface DocParam {
  name: string;
  in: string;
  required?: boolean;
  schema: JsonSchema;
}

/** One operation of the app's OpenAPI document. */
export interface DocOperation {
  method: string;
  path: string;
  /** Whether the route needs credentials (`security`), and the roles its "Roles:" line names (null: any signed-in caller). */
  secured: boolean;
  roles: string[] | null;
  /** `x-ops-level`: the ops level the route needs (absent: any). */
  opsLevel: string | null;
  params: DocParam[];
  body: { type: string; schema: JsonSchema } | null;
}

/**
 * A schema with each reference to a named one (`$ref: '#/components/schemas/X'`) replaced by it,
 * as deep as the schema goes (a schema that contains itself is refused).
 */
function resolved(node: unknown, named: Record<string, unknown>, within: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => resolved(n, named, within));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as { $ref?: unknown };
  if (typeof $ref === 'string') {
    const name = $ref.replace('#/components/schemas/', '');
    if (!(name in named) || within.includes(name)) throw new Error(`cannot resolve ${$ref}`);
    return { ...(resolved(named[name], named, [...within, name]) as object), ...rest };
  }
  return Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [k, k === 'examples' ? v : resolved(v, named, within)]),
  );
}

/** Every operation of `/openapi.json`, read through the app itself, references resolved. */
export async function documentedOperations(app: FastifyInstance): Promise<DocOperation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    components: { schemas: Record<string, unknown> };
    paths: Record<
      string,
      Record<
        string,
        {
          description?: string;
          security?: unknown[];
          'x-ops-level'?: string;
          parameters?: DocParam[];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
  };
  const named = doc.components.schemas;
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([m, o]) => {
      const content = resolved(o.requestBody?.content ?? {}, named) as Record<
        string,
        { schema: JsonSchema }
      >;
      const [type, media] = Object.entries(content)[0] ?? [];
      // The document marks a route needing credentials with `security` and lists its roles in prose.
      const roles = /Roles: (.+)$/.exec(o.description ?? '')?.[1]?.split(', ') ?? null;
      return {
        method: m.toUpperCase(),
        path,
        // `security: []` is how a public route says it needs nothing.
        secured: (o.security?.length ?? 0) > 0,
        roles,
        opsLevel: o['x-ops-level'] ?? null,
        params: resolved(o.parameters ?? [], named) as DocParam[],
        body: type && media ? { type, schema: media.schema } : null,
      };
    }),
  );
}
