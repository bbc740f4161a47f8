import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { parseBbox } from '../../platform/geo/bbox.ts';
import { Headers, ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed } from '../../platform/http/typed.ts';
import { BboxParam, Lat, Lng, Place, PlaceList, StreetCollection } from './places.schemas.ts';
import { MAX_STREET_FEATURES, type PlacesService, REVERSE_RADIUS_M } from './places.service.ts';

/** How long a client or proxy may keep a map answer: streets change only when data is loaded. */
const STREETS_MAX_AGE_S = 300;

/** Address search, reverse geocoding and the street map: public, like store discovery. */
export async function placesRoutes(scope: FastifyInstance, places: PlacesService): Promise<void> {
  const app = typed(scope);

  app.get(
    '/v1/places/search',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['places'],
        summary: 'Addresses matching typed text (typos, abbreviations, ß/ss and umlauts tolerated)',
        description:
          'The exact house number comes first, then numbers it begins, then how well the street matched; `lat`/`lng` (together) break ties by distance.',
        querystring: Strict({
          q: Type.String({ minLength: 2, maxLength: 100, examples: ['torstr 12'] }),
          lat: Type.Optional(Lat),
          lng: Type.Optional(Lng),
          limit: Type.Integer({ minimum: 1, maximum: 20, default: 8 }),
        }),
        response: { 200: ok(ref(PlaceList), 'Matches, best first (empty when none)') },
      },
    },
    async (req) => {
      const { q, lat, lng, limit } = req.query;
      if ((lat === undefined) !== (lng === undefined)) {
        const missing = lat === undefined ? 'lat' : 'lng';
        throw new AppError('VALIDATION_FAILED', `querystring.${missing}: lat and lng go together`, {
          details: {
            errors: [{ path: `querystring.${missing}`, message: 'lat and lng go together' }],
          },
        });
      }
      return places.search({
        q,
        limit,
        ...(lat !== undefined && lng !== undefined ? { lat, lng } : {}),
      });
    },
  );

  app.get(
    '/v1/places/reverse',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['places'],
        summary: `The address nearest a point, within ${REVERSE_RADIUS_M} m`,
        querystring: Strict({ lat: Lat, lng: Lng }),
        response: {
          200: ok(ref(Place), 'The nearest address'),
          ...problems('NO_ADDRESS_NEAR'),
        },
      },
    },
    async (req) => places.reverse(req.query.lat, req.query.lng),
  );

  app.get(
    '/v1/map/streets',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['maps'],
        summary: `Streets crossing a box, as GeoJSON (arterials first, at most ${MAX_STREET_FEATURES})`,
        querystring: Strict({ bbox: BboxParam }),
        response: {
          200: ok(ref(StreetCollection), 'The streets', { 'Cache-Control': Headers.cacheControl }),
          ...problems('UNPROCESSABLE'),
        },
      },
    },
    async (req, reply) => {
      const body = await places.streets(parseBbox(req.query.bbox));
      reply.header('cache-control', `public, max-age=${STREETS_MAX_AGE_S}`);
      return body;
    },
  );
}
