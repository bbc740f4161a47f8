import { Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';
import { STORE_STATUSES } from './catalog-tables.ts';

const closed = { additionalProperties: false } as const;
const Position = Type.Tuple(
  [Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })],
  { description: '[lng, lat] (GeoJSON order)' },
);

const EXAMPLE_FEATURE = {
  type: 'Feature',
  properties: {
    store_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a12',
    name: 'Mitte · Torstraße',
    status: 'open',
  },
  geometry: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [13.3825, 52.5406],
          [13.375, 52.5393],
          [13.3728, 52.535],
          [13.3825, 52.5406],
        ],
      ],
    ],
  },
};

export const ZoneFeature = component(
  'ZoneFeature',
  Type.Object(
    {
      type: Type.Literal('Feature'),
      properties: Type.Object(
        { store_id: Uuid, name: Type.String(), status: stringEnum(STORE_STATUSES) },
        closed,
      ),
      geometry: Type.Object(
        {
          type: Type.Literal('MultiPolygon'),
          coordinates: Type.Array(Type.Array(Type.Array(Position)), {
            description: 'Polygons, each an outer ring and its holes, each ring closed',
          }),
        },
        closed,
      ),
    },
    {
      ...closed,
      description: 'A store’s delivery zone as a GeoJSON MultiPolygon',
      examples: [EXAMPLE_FEATURE],
    },
  ),
);

export const ZoneCollection = component(
  'ZoneCollection',
  Type.Object(
    {
      type: Type.Literal('FeatureCollection'),
      features: Type.Array(ref(ZoneFeature)),
    },
    {
      ...closed,
      description: 'Delivery zones (GeoJSON FeatureCollection), one feature per store',
      examples: [{ type: 'FeatureCollection', features: [EXAMPLE_FEATURE] }],
    },
  ),
);

export const mapZonesSchemas = [ZoneFeature, ZoneCollection];
