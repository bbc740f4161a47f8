import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { PointsBody } from '../src/modules/drivers/location-input.ts';
import type { TokenIssuer } from '../src/platform/auth/tokens.ts';

interface Body {
  points: Array<{ lat: number; lng: number; recorded_at: string }>;
}

/**
 * The ingest benchmark's baseline: the textbook location endpoint. A minimal Fastify route that
 * checks the driver's bearer token (the platform's verifier, so the same cache), validates the same
 * JSON schema, and writes the newest point of the request with one GEOADD through ioredis with
 * auto-pipelining. No history, no filtering, no back-pressure.
 */
export async function startTextbookIngest(
  redisUrl: string,
  tokens: TokenIssuer,
  geoKey: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const redis = new Redis(redisUrl, { enableAutoPipelining: true });
  const app = Fastify();
  app.post<{ Body: Body }>(
    '/v1/drivers/me/locations',
    { schema: { body: PointsBody } },
    async (req, reply) => {
      const auth = req.headers.authorization ?? '';
      const principal = await tokens
        .verify(auth.startsWith('Bearer ') ? auth.slice(7) : '')
        .catch(() => undefined);
      if (!principal?.driverId) return reply.code(401).send({ error: 'unauthorized' });
      const points = req.body.points;
      let newest = points[0] as Body['points'][number];
      for (const p of points) if (p.recorded_at > newest.recorded_at) newest = p;
      await redis.geoadd(geoKey, newest.lng, newest.lat, principal.driverId);
      return { accepted: points.length, dropped: { out_of_order: 0, impossible_jump: 0 } };
    },
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${url}/v1/drivers/me/locations`,
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
}
