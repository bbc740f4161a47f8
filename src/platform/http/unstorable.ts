import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** A lone UTF-16 surrogate: JSON can carry one (`"\ud800"`), UTF-8 and so Postgres cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain U+0000';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return null;
}

/**
 * Where validated input holds a value Postgres cannot store: U+0000 in a string (text and jsonb
 * refuse it), a lone UTF-16 surrogate (not encodable as UTF-8), or a number that is not finite (ajv coerces the string "Infinity" to a number, and
 * its minimum/maximum checks skip non-finite numbers). Objects and arrays are walked; streams and
 * buffers are not.
 */
function unstorableAt(value: unknown, root: string): { path: string; message: string } | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      const bad = badText(v);
      if (bad) return { path, message: bad };
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
        const bad = badText(k);
        if (bad) return { path, message: `field name ${bad}` };
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
