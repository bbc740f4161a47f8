import { createRoute, redirect } from '@tanstack/react-router';
import { place } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';

/** `/`: straight to the stores when the app knows where to deliver, else to picking a place. */
export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: (ctx) => {
    requireSignIn(ctx);
    throw redirect({ to: place.get() ? '/stores' : '/place' });
  },
});
