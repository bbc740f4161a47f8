import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { api } from '../../app.ts';

export type SavedAddress = Schemas['SavedAddress'];

/** `GET /v1/me/addresses`: the customer's saved addresses, the default first. */
export const addressesQuery = {
  queryKey: ['addresses'],
  queryFn: async () => (await unwrap(api.GET('/v1/me/addresses'))).items,
};

export const useAddresses = () => useQuery(addressesQuery);

type NewAddress = {
  label: string;
  address: string;
  lat: number;
  lng: number;
  driver_notes?: string | null;
  is_default?: boolean;
};

/** Saving, renaming, making default and deleting: each reads the list again once done. */
export function useAddressWrites() {
  const client = useQueryClient();
  const onSuccess = () => client.invalidateQueries({ queryKey: addressesQuery.queryKey });
  return {
    create: useMutation({
      mutationFn: (body: NewAddress) => unwrap(api.POST('/v1/me/addresses', { body })),
      onSuccess,
    }),
    update: useMutation({
      mutationFn: ({ id, ...body }: { id: string; label?: string; is_default?: boolean }) =>
        unwrap(api.PATCH('/v1/me/addresses/{id}', { params: { path: { id } }, body })),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (id: string) =>
        unwrap(api.DELETE('/v1/me/addresses/{id}', { params: { path: { id } } })),
      onSuccess,
    }),
  };
}
