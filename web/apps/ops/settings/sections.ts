import { CartHolds, DispatchWeights } from './number-sections.tsx';
import { RateLimits } from './rate-limits.tsx';
import type { SettingsSection } from './section.ts';
import { StorePause } from './store-pause.tsx';
import { SupportQueue } from './support-queue.tsx';

/**
 * The Settings screen's sections, in order. A module's console pages plug in here: its component
 * (in this folder or beside its other screens), its title in messages.ts and messages.de.ts
 * (`settings.sections`), and one line below.
 */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { id: 'rate-limits', title: 'rateLimits', component: RateLimits },
  { id: 'dispatch-weights', title: 'dispatchWeights', component: DispatchWeights },
  { id: 'cart-holds', title: 'cartHolds', component: CartHolds },
  { id: 'store-pause', title: 'storePause', component: StorePause },
  { id: 'support-queue', title: 'supportQueue', component: SupportQueue },
];
