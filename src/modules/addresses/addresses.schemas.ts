import { Type } from '@sinclair/typebox';
import { component } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';

/** The addresses module's API shapes (named components of the OpenAPI document). */

/** The editable fields, each as a body states it (the same limits as a checkout's delivery). */
export const AddressFields = {
  label: Type.String({ minLength: 1, maxLength: 60, description: 'e.g. Home, Work' }),
  address: Type.String({ minLength: 3, maxLength: 300, description: 'As the driver reads it' }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  driver_notes: Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
    description: 'For the driver: entrance, floor, bell',
  }),
  is_default: Type.Boolean({
    description: 'At most one address is the default; making one the default unmakes the other',
  }),
};

export const SavedAddress = component(
  'SavedAddress',
  Type.Object(
    { id: Uuid, ...AddressFields, created_at: DateTime, updated_at: DateTime },
    {
      additionalProperties: false,
      description: 'A delivery address a customer saved',
      examples: [
        {
          id: '0190f0d4-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
          label: 'Home',
          address: 'Torstraße 1, 10119 Berlin',
          lat: 52.529,
          lng: 13.401,
          driver_notes: 'Rear building, 3rd floor, ring Weber',
          is_default: true,
          created_at: '2026-12-01T09:12:00.000Z',
          updated_at: '2026-12-01T09:12:00.000Z',
        },
      ],
    },
  ),
);

export const addressesSchemas = [SavedAddress];
