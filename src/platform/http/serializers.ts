import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Schemas = Record<string, unknown>;
type RouteSchema = { schema: unknown; method?: string; url?: string; httpStatus?: string };

/** The `$id`s a schema refers to (`$ref: 'Order'` or `'Order#/…'`), with what those refer to. */
export function referencedSchemas(schema: unknown, shared: Schemas): Schemas {
  const used: Schemas = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const id = value.split('#')[0] ?? '';
        if (id && !(id in used) && id in shared) {
          used[id] = shared[id];
          visit(shared[id]);
        }
      } else visit(value);
    }
  };
  visit(schema);
  return used;
}

/**
 * Fastify's response serializers (fast-json-stringify), built with only the shared schemas each
 * response refers to, and once per distinct schema. Fastify's default hands every build all the
 * shared schemas, which fast-json-stringify checks and indexes again each time: with ~120 routes,
 * each with its problem responses, that was about half of a process's start-up.
 */
export function sharedSchemaSerializers() {
  const select = SerializerSelector();
  return (shared: Schemas, options: unknown) => {
    const built = new Map<string, (data: unknown) => string>();
    return (route: RouteSchema) => {
      const key = JSON.stringify(route.schema);
      let serialize = built.get(key);
      if (!serialize) {
        const compile = select(referencedSchemas(route.schema, shared) as never, options as never);
        serialize = compile(route as never) as (data: unknown) => string;
        built.set(key, serialize);
      }
      return serialize;
    };
  };
}
