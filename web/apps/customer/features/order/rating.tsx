import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '@lastmile/client';
import { codeOf } from '@web/problems.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { deliveryQuery } from './queries.ts';

const STARS = [1, 2, 3, 4, 5];

/**
 * Once delivered, the customer rates the courier once (`POST /v1/orders/{id}/delivery/rating`);
 * then the rating given. Nothing for an order no courier brought.
 */
export function RateCourier({ orderId }: { orderId: string }) {
  const client = useQueryClient();
  const delivery = useQuery(deliveryQuery(orderId));
  const rate = useMutation({
    mutationFn: (stars: number) =>
      unwrap(
        api.POST('/v1/orders/{id}/delivery/rating', {
          params: { path: { id: orderId } },
          body: { stars },
        }),
      ),
    onSuccess: (d) => client.setQueryData(deliveryQuery(orderId).queryKey, d),
  });
  const d = delivery.data;
  if (codeOf(delivery.error) === 'NOT_FOUND' || !d?.driver_id || d.status !== 'delivered')
    return null;
  const given = d.rating;
  return (
    <div className="card" data-testid="rating" data-rating={given ?? ''}>
      <h2>{m.rating.title}</h2>
      {given !== null ? (
        <p aria-live="polite">{m.rating.rated(given)}</p>
      ) : (
        <p className="toggle">
          {STARS.map((n) => (
            <button
              key={n}
              type="button"
              className="secondary"
              aria-label={m.rating.star(n)}
              disabled={rate.isPending}
              onClick={() => rate.mutate(n)}
            >
              {'★'.repeat(n)}
            </button>
          ))}
        </p>
      )}
      <ErrorNote error={rate.error} words={{ ...m.problems, CONFLICT: m.rating.tooLate }} />
    </div>
  );
}
