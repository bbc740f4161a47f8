import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { empty, ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { AddressFields, SavedAddress } from './addresses.schemas.ts';
import { type AddressesService, MAX_ADDRESSES } from './addresses.service.ts';

const Id = Strict({ id: Uuid });
const tags = ['addresses'];
const { label, address, lat, lng, driver_notes, is_default } = AddressFields;
const NewAddress = Strict({
  label,
  address,
  lat,
  lng,
  driver_notes: Type.Optional(driver_notes),
  is_default: Type.Optional(is_default),
});
const AddressChange = Strict({
  label: Type.Optional(label),
  address: Type.Optional(address),
  lat: Type.Optional(lat),
  lng: Type.Optional(lng),
  driver_notes: Type.Optional(driver_notes),
  is_default: Type.Optional(is_default),
});

/**
 * `/v1/me/addresses`: a customer's own saved addresses. Another account's address id is not
 * found (404), so ids cannot be probed.
 */
export async function addressesRoutes(
  scope: FastifyInstance,
  service: AddressesService,
): Promise<void> {
  readRoutes(scope, service);
  writeRoutes(scope, service);
}

function readRoutes(scope: FastifyInstance, service: AddressesService): void {
  const app = typed(scope);
  app.get(
    '/v1/me/addresses',
    {
      config: { auth: ['customer'] },
      schema: {
        tags,
        summary: 'Your saved addresses, the default first',
        response: {
          200: ok(
            Type.Object({ items: Type.Array(ref(SavedAddress)) }, { additionalProperties: false }),
            `At most ${MAX_ADDRESSES}`,
          ),
        },
      },
    },
    async (req) => service.list(callerOf(req).id),
  );
  app.get(
    '/v1/me/addresses/:id',
    {
      config: { auth: ['customer'] },
      schema: {
        tags,
        summary: 'One saved address',
        params: Id,
        response: { 200: ok(ref(SavedAddress), 'The address') },
      },
    },
    async (req) => service.get(callerOf(req).id, req.params.id),
  );
}

function writeRoutes(scope: FastifyInstance, service: AddressesService): void {
  const app = typed(scope);
  app.post(
    '/v1/me/addresses',
    {
      config: { auth: ['customer'] },
      schema: {
        tags,
        summary: 'Save an address',
        description: `At most ${MAX_ADDRESSES} per account: one more is refused with \`ADDRESS_LIMIT\` (409).`,
        body: NewAddress,
        response: { 201: ok(ref(SavedAddress), 'Saved'), ...problems('ADDRESS_LIMIT') },
      },
    },
    async (req, reply) => reply.code(201).send(await service.create(callerOf(req).id, req.body)),
  );
  app.patch(
    '/v1/me/addresses/:id',
    {
      config: { auth: ['customer'] },
      schema: {
        tags,
        summary: 'Change a saved address (the fields sent; none: nothing changes)',
        params: Id,
        body: AddressChange,
        response: { 200: ok(ref(SavedAddress), 'Changed') },
      },
    },
    async (req) => service.update(callerOf(req).id, req.params.id, req.body),
  );
  app.delete(
    '/v1/me/addresses/:id',
    {
      config: { auth: ['customer'] },
      schema: {
        tags,
        summary: 'Delete a saved address',
        params: Id,
        response: { 204: empty('Deleted') },
      },
    },
    async (req, reply) => {
      await service.remove(callerOf(req).id, req.params.id);
      return reply.code(204).send();
    },
  );
}
