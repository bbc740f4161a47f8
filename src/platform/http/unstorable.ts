import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Where validated input holds a value Postgres cannot store: U+0000 in a string (text and jsonb
 * refuse it), or a number that is not finite (ajv coerces the string "Infinity" to a number, and
 * its minimum/maximum checks skip non-finite numbers). Objects and arrays are walked; streams and
 * buffers are not.
 */
function unstorableAt(value: unknown, root: string): { path: string; message: string } | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, message: 'must not contain U+0000' };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'must be a finite number' };
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}.${i}`]));
    } else if (
      v !== null &&
      typeof v === 'object' &&
      !ArrayBuffer.isView(v) &&
      typeof (v as { pipe?: unknown }).pipe !== 'function'
    ) {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return { path, message: 'must not contain U+0000' };
        stack.push([x, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/**
 * Refuses such input with 400, naming the field, instead of failing (500) at whichever statement
 * would have stored or compared the value. Runs after validation (and its coercion); registered
 * before idempotency.
 */
export function refuseUnstorableInput(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const bad =
      unstorableAt(request.params, 'params') ??
      unstorableAt(request.query, 'querystring') ??
      unstorableAt(request.body, 'body');
    if (bad)
      throw new AppError('VALIDATION_FAILED', `${bad.path}: ${bad.message}`, {
        details: { errors: [bad] },
      });
  });
}
