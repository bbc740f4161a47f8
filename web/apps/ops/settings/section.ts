import type { ComponentType } from 'react';
import type { Messages } from '../messages.ts';

/**
 * One section of the Settings screen: its place in the URL, its title's words and what it shows.
 * Who may change it is the API's answer (a settings group's `can_change`, or its refusal).
 */
export interface SettingsSection {
  /** `?section=<id>`. */
  id: string;
  /** The key of its title in `m.settings.sections`. */
  title: keyof Messages['settings']['sections'];
  component: ComponentType;
}
