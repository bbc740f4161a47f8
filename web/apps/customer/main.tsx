import { mountApp } from '@web/shell.tsx';
import { app } from './app.ts';
import { rootRoute } from './root.tsx';

mountApp({
  app,
  rootRoute,
  features: import.meta.glob('./features/*/route.tsx', { eager: true }),
});
