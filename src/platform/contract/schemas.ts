import { FormatRegistry, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * Compiled checks of the schemas the platform declares for what leaves or enters it outside HTTP
 * (bus events, socket messages). Fastify's Ajv knows the JSON Schema formats; TypeBox's compiler
 * knows none until they are registered, and would refuse every value of an unknown format.
 */
const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};
for (const [name, re] of Object.entries(FORMATS))
  if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, (v) => re.test(v));

export type Check<T extends TSchema> = TypeCheck<T>;

export const compileCheck = <T extends TSchema>(schema: T): Check<T> =>
  TypeCompiler.Compile(schema);

/** The first few reasons a value fails its check, for an error message or a contract violation. */
export function whyInvalid<T extends TSchema>(check: Check<T>, value: unknown): string {
  const reasons: string[] = [];
  for (const e of check.Errors(value)) {
    reasons.push(`${e.path || '/'}: ${e.message}`);
    if (reasons.length === 3) break;
  }
  return reasons.join('; ') || 'invalid';
}

/** Building blocks of message and event schemas. */
export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
/** One of a fixed list of strings. */
export const OneOf = <const T extends readonly string[]>(
  values: T,
  description?: string,
): TUnion<Literals<T>> =>
  // TypeBox infers the union from a literal tuple only; the values' own tuple type says the same.
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  ) as unknown as TUnion<Literals<T>>;
