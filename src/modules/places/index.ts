import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { catalogFor } from '../catalog/index.ts';
import { placesRoutes } from './places.routes.ts';
import { placesSchemas } from './places.schemas.ts';
import { type PlacesService, placesService } from './places.service.ts';

export { placeKey } from './place-text.ts';
export {
  type AddressInput,
  PlaceDocumentFormat,
  STREET_CLASSES,
  type StreetClass,
  type StreetInput,
} from './places-format.ts';
export {
  ADDRESS_COLUMNS,
  type AddressRow,
  type AddressStyle,
  addressRow,
  type PlaceCity,
  placeLabel,
  STREET_COLUMNS,
  type StreetRow,
  streetRow,
} from './places-rows.ts';
export type { CityView, ImportReport, PlacesService, PlaceView } from './places.service.ts';

/** The places service of a running platform (built once per platform). */
export const placesFor = perPlatform((ctx): PlacesService =>
  placesService(ctx.db, { storesIn: (boxes) => catalogFor(ctx).stores.countIn(boxes) }),
);

/** Streets and addresses of each city: the cities served, address search, reverse geocoding, the street map. */
export const placesModule: ModuleDefinition = {
  name: 'places',
  // The catalog counts each city's stores.
  dependsOn: ['catalog'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: placesSchemas,
  apiTags: [
    {
      name: 'places',
      description:
        'Street addresses of the cities lastmile knows (generated, or imported with `lastmile places import`): the cities themselves, search by typed text and the address nearest a point. No outside geocoder is asked.',
    },
    {
      name: 'maps',
      description:
        'Map data served by lastmile itself, as GeoJSON with `[lng, lat]` coordinates: the streets and the stores’ delivery zones in a box of at most 10 km.',
    },
  ],
  routes: (app, ctx) => placesRoutes(app, placesFor(ctx)),
};
