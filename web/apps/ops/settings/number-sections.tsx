import { m } from '../app.ts';
import { NumberGroup, type NumberField } from './group-form.tsx';
import { settingsApi } from './group-shell.tsx';
import type { SectionProps } from './section.ts';

// The settings groups that are a few numbers: the dispatcher's score weights and the bounds of
// cart holds. Their bounds are the API's (a value outside them is refused with 400 anyway).

type WeightKey = 'travel' | 'acceptance' | 'vehicle' | 'fairness';
type HoldKey = 'max_units' | 'max_total' | 'max_age_s';

const weightsApi = settingsApi('dispatch-weights');
const holdsApi = settingsApi('cart-holds');

const WEIGHTS: readonly NumberField<WeightKey>[] = (
  ['travel', 'acceptance', 'vehicle', 'fairness'] as const
).map((key) => ({ key, label: m.settings.weights[key], min: 0, max: 100 }));

const HOLDS: readonly NumberField<HoldKey>[] = [
  { key: 'max_units', label: m.settings.holds.max_units, min: 1, max: 99, integer: true },
  { key: 'max_total', label: m.settings.holds.max_total, min: 1, max: 10_000, integer: true },
  { key: 'max_age_s', label: m.settings.holds.max_age_s, min: 60, max: 86_400, integer: true },
];

export function DispatchWeights({ canSave }: SectionProps) {
  return (
    <NumberGroup
      api={weightsApi}
      name={m.settings.sections.dispatchWeights}
      intro={m.settings.weights.intro}
      fields={WEIGHTS}
      canSave={canSave}
    />
  );
}

export function CartHolds({ canSave }: SectionProps) {
  return (
    <NumberGroup
      api={holdsApi}
      name={m.settings.sections.cartHolds}
      intro={m.settings.holds.intro}
      fields={HOLDS}
      canSave={canSave}
    />
  );
}
