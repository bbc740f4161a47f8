import type { ComponentType } from 'react';
import type { Schemas } from '@lastmile/client';
import type { Messages } from '../messages.ts';

/** What a section is handed: whether the signed-in account may save what it shows. */
export interface SectionProps {
  canSave: boolean;
}

export type OpsLevel = NonNullable<Schemas['AuditEntry']['actor']['level']>;

/** One section of the Settings screen: its place in the URL, its title's words, who may save. */
export interface SettingsSection {
  /** `?section=<id>`. */
  id: string;
  /** The key of its title in `m.settings.sections`. */
  title: keyof Messages['settings']['sections'];
  component: ComponentType<SectionProps>;
  /** The ops level that may change what it shows; a lower one sees it read-only. */
  level: OpsLevel;
}

/** Whether an account of `level` may change what a section needing `needed` shows. */
export const mayChange = (level: OpsLevel | null | undefined, needed: OpsLevel): boolean =>
  needed === 'agent' || level === 'admin';
