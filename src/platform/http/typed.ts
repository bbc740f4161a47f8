import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** A module's Fastify scope with TypeBox-typed request and reply. */
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();

/** Object schema that rejects unknown fields (the house rule for every request body and query). */
export const Strict = <T extends Record<string, TSchema>>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
/** An instant as RFC 3339 (`toISOString()`). */
export const DateTime = Type.String({ format: 'date-time' });

/** The sign-in of a new account (customer, store staff, driver): one rule for every door. */
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const NewAccount = {
  email: Email,
  name: Type.String({ minLength: 1, maxLength: 120 }),
  password: Type.String({ minLength: 10, maxLength: 200 }),
};

/** The problem+json body, referenced in every route's error responses for the OpenAPI document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    instance: Type.String(),
    requestId: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details' },
);
