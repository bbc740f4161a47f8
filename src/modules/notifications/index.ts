import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDefinition } from '../../platform/module.ts';
import { notificationsTimeline } from './notification-timeline.ts';
import { notificationsRoutes } from './notifications.routes.ts';
import { notificationsSchemas } from './notifications.schemas.ts';
import { startNotificationsWorker } from './notifications.worker.ts';

export { notificationsPersonalData } from './notifications-privacy.repository.ts';

export { CONSUMER_NOTIFICATIONS } from './notifications.worker.ts';

/** In-app notifications fed by other modules' events, each event applied exactly once. */
export const notificationsModule: ModuleDefinition = {
  name: 'notifications',
  dependsOn: ['support', 'dispatch', 'identity'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: notificationsSchemas,
  routes: (app, ctx) => notificationsRoutes(app, ctx.db),
  // What was told to whom about the order, its tickets and its trip.
  orderTimeline: (ctx) => notificationsTimeline(ctx.db),
  startWorker: startNotificationsWorker,
};
