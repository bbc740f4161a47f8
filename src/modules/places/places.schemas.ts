import { Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';
import { STREET_CLASSES } from './places-format.ts';

/** The places module's API shapes (named components of the OpenAPI document). */

const closed = { additionalProperties: false } as const;

export const Lat = Type.Number({ minimum: -90, maximum: 90 });
export const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Position = Type.Tuple([Lng, Lat], { description: '[lng, lat] (GeoJSON order)' });

/** One address, as the examples of the document show it. */
const PLACE_EXAMPLE = {
  id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a20',
  label: 'Torstraße 12, 10119 Berlin',
  street: 'Torstraße',
  housenumber: '12',
  postcode: '10119',
  city: 'Berlin',
  lat: 52.52041,
  lng: 13.40652,
};

export const Place = component(
  'Place',
  Type.Object(
    {
      id: Uuid,
      label: Type.String({ description: 'The address as written in its city, ready to show' }),
      street: Type.String(),
      housenumber: Type.String({ description: 'As written: `12`, `12a`' }),
      postcode: Type.String(),
      city: Type.String({ description: 'The city’s name' }),
      lat: Lat,
      lng: Lng,
    },
    {
      ...closed,
      description: 'A street address with its point',
      examples: [PLACE_EXAMPLE],
    },
  ),
);

export const PlaceList = component(
  'PlaceList',
  Type.Object(
    { items: Type.Array(ref(Place), { maxItems: 20 }) },
    {
      ...closed,
      description: 'Addresses matching the text, best first',
      examples: [
        {
          items: [PLACE_EXAMPLE],
        },
      ],
    },
  ),
);

export const StreetFeature = component(
  'StreetFeature',
  Type.Object(
    {
      type: Type.Literal('Feature'),
      properties: Type.Object(
        {
          name: Type.String(),
          class: stringEnum(STREET_CLASSES, '`arterial`: a main road; `street`: any other'),
        },
        closed,
      ),
      geometry: Type.Object(
        {
          type: Type.Literal('LineString'),
          coordinates: Type.Array(Position, { minItems: 2 }),
        },
        closed,
      ),
    },
    {
      ...closed,
      description: 'A street, or a part of one, as a GeoJSON LineString',
      examples: [
        {
          type: 'Feature',
          properties: { name: 'Torstraße', class: 'arterial' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [13.405, 52.52],
              [13.4071, 52.5203],
            ],
          },
        },
      ],
    },
  ),
);

export const StreetCollection = component(
  'StreetCollection',
  Type.Object(
    {
      type: Type.Literal('FeatureCollection'),
      features: Type.Array(ref(StreetFeature), { maxItems: 5000 }),
    },
    {
      ...closed,
      description:
        'The streets crossing a box (GeoJSON FeatureCollection), arterials first, at most 5,000',
      examples: [
        {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { name: 'Torstraße', class: 'arterial' },
              geometry: {
                type: 'LineString',
                coordinates: [
                  [13.405, 52.52],
                  [13.4071, 52.5203],
                ],
              },
            },
          ],
        },
      ],
    },
  ),
);

/** Berlin as the demo seed loads it, as the examples of the document show it. */
const CITY_EXAMPLE = {
  key: 'berlin',
  name: 'Berlin',
  center: { lat: 52.52, lng: 13.405 },
  bbox: { west: 13.268254, south: 52.434312, east: 13.556275, north: 52.59371 },
  streets: 1563,
  addresses: 130238,
  stores: 8,
};

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const City = component(
  'City',
  Type.Object(
    {
      key: Type.String({
        pattern: '^[a-z][a-z0-9-]{1,39}$',
        description: 'The city’s key, as data is loaded under it (`lastmile places import --city`)',
      }),
      name: Type.String({ description: 'The city’s name, as its addresses write it' }),
      center: Type.Object(
        { lat: Lat, lng: Lng },
        {
          ...closed,
          description:
            'Where a map of the city opens: the centre given when its data was loaded (a known city’s own), else the mean of its addresses',
        },
      ),
      bbox: Type.Object(
        { west: Lng, south: Lat, east: Lng, north: Lat },
        { ...closed, description: 'The box of every street and address of the city, in degrees' },
      ),
      streets: Count('Street lines loaded'),
      addresses: Count('Addresses loaded (what search and reverse can answer)'),
      stores: Count('Stores inside the box, open or paused (closed ones not counted)'),
    },
    {
      ...closed,
      description: 'A city lastmile has street data for',
      examples: [CITY_EXAMPLE],
    },
  ),
);

export const CityList = component(
  'CityList',
  Type.Object(
    { items: Type.Array(ref(City)) },
    {
      ...closed,
      description: 'The cities lastmile has street data for, by name (empty before any is loaded)',
      examples: [{ items: [CITY_EXAMPLE] }],
    },
  ),
);

export const BboxParam = Type.String({
  minLength: 1,
  maxLength: 200,
  description:
    '`west,south,east,north` in degrees (WGS 84), at most 10 km across; otherwise 422 naming `bbox`',
  examples: ['13.39,52.51,13.42,52.53'],
});

export const placesSchemas = [Place, PlaceList, City, CityList, StreetFeature, StreetCollection];
