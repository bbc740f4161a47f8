import { type AnyRoute, createRouter } from '@tanstack/react-router';
import { rootRoute } from './root.tsx';

// Each feature folder brings its own screen (features/<name>/route.tsx exports `route`): adding
// a screen is adding a folder, nothing here changes.
const features = import.meta.glob<{ route: AnyRoute }>('./features/*/route.tsx', { eager: true });

export const router = createRouter({
  routeTree: rootRoute.addChildren(Object.values(features).map((f) => f.route)),
  basepath: '/app/store',
  defaultPreload: 'intent',
});
