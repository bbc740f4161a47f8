import { createHash } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { empty, Headers, ok } from '../../platform/http/contract.ts';

/** How long a client or CDN may keep a product page or search answer (Cache-Control max-age). */
export const STOCK_STALENESS_S = 2;
/**
 * A process keeps a product page (and what a search text matches) until a notice says its store's
 * stock or the catalog changed; it is then re-read and the old one served PAGE_GRACE_MS more at
 * most. PAGE_MAX_AGE_MS bounds how long one is kept when a notice is lost (bus down).
 */
export const PAGE_GRACE_MS = 1000;
export const PAGE_MAX_AGE_MS = 10_000;
/** A page read steadily is re-read in the background this long before its maximum age. */
export const PAGE_REFRESH_AHEAD_MS = 2000;

const CACHE_HEADERS = { ETag: Headers.etag, 'Cache-Control': Headers.cacheControl };

/** The answers of a read sent by `sendCacheable`/`sendSerialized`: the body, or 304 to its ETag. */
export const cacheableResponses = (schema: TSchema, description: string) => ({
  200: ok(schema, description, CACHE_HEADERS),
  304: empty('Unchanged since the ETag sent in If-None-Match', CACHE_HEADERS),
});

/**
 * Answers a catalog read with an ETag and a short Cache-Control; a matching If-None-Match gets
 * 304 without a body. `maxAgeS` bounds how long a client or CDN may show stale stock.
 */
export interface Serialized {
  json: string;
  etag: string;
}

/** The body as sent and its ETag, computed once (a cached page is then served without re-hashing). */
export function serialize(body: unknown): Serialized {
  const json = JSON.stringify(body);
  return { json, etag: `W/"${createHash('sha1').update(json).digest('base64url').slice(0, 22)}"` };
}

export function sendCacheable(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  maxAgeS: number,
) {
  return sendSerialized(request, reply, serialize(body), maxAgeS);
}

export function sendSerialized(
  request: FastifyRequest,
  reply: FastifyReply,
  { json, etag }: Serialized,
  maxAgeS: number,
) {
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAgeS}`);
  const sent = request.headers['if-none-match'];
  if (typeof sent === 'string' && sent.split(',').some((t) => t.trim() === etag))
    return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(json);
}
