import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

export function sendCacheable(request: FastifyRequest, reply: FastifyReply, body: unknown, maxAgeS: number) {
  return sendSerialized(request, reply, serialize(body), maxAgeS);
}

export function sendSerialized(request: FastifyRequest, reply: FastifyReply, { json, etag }: Serialized, maxAgeS: number) {
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAgeS}`);
  const sent = request.headers['if-none-match'];
  if (typeof sent === 'string' && sent.split(',').some((t) => t.trim() === etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(json);
}
