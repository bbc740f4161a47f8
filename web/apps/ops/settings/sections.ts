import { CartHolds, DispatchWeights } from './number-sections.tsx';
import { RateLimits } from './rate-limits.tsx';
import type { SettingsSection } from './section.ts';
import { StorePause } from './store-pause.tsx';
import { SupportQueue } from './support-queue.tsx';

/**
 * The Settings screen's sections, in order. A module's console pages plug in here: its component
 * (a `SectionProps` component, in this folder or beside its other screens), its title in
 * messages.ts and messages.de.ts (`settings.sections`), and one line below with the ops level
 * that may change what it shows.
 */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { id: 'rate-limits', title: 'rateLimits', component: RateLimits, level: 'admin' },
  { id: 'dispatch-weights', title: 'dispatchWeights', component: DispatchWeights, level: 'admin' },
  { id: 'cart-holds', title: 'cartHolds', component: CartHolds, level: 'admin' },
  { id: 'store-pause', title: 'storePause', component: StorePause, level: 'admin' },
  { id: 'support-queue', title: 'supportQueue', component: SupportQueue, level: 'agent' },
];
