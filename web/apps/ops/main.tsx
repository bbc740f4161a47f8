import { mountApp } from '@web/shell.tsx';
import { app } from './app.ts';
import './ops.css';
import { rootRoute } from './root.tsx';

mountApp({
  app,
  rootRoute,
  features: import.meta.glob('./features/*/route.tsx', { eager: true }),
});
