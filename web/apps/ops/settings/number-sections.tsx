import { m } from '../app.ts';
import { NumberGroup, type NumberField } from './group-form.tsx';
import { settingsApi } from './group-shell.tsx';

// The settings groups that are a few numbers: the dispatcher's score weights and the bounds of
// cart holds. Their bounds are the API's: a value outside them is refused with a 400 naming it.

type WeightKey = 'travel' | 'acceptance' | 'vehicle' | 'fairness';
type HoldKey = 'max_units' | 'max_total' | 'max_age_s';

const weightsApi = settingsApi('dispatch-weights');
const holdsApi = settingsApi('cart-holds');

const WEIGHTS: readonly NumberField<WeightKey>[] = (
  ['travel', 'acceptance', 'vehicle', 'fairness'] as const
).map((key) => ({ key, label: m.settings.weights[key] }));

const HOLDS: readonly NumberField<HoldKey>[] = (
  ['max_units', 'max_total', 'max_age_s'] as const
).map((key) => ({ key, label: m.settings.holds[key] }));

export function DispatchWeights() {
  return (
    <NumberGroup
      api={weightsApi}
      name={m.settings.sections.dispatchWeights}
      intro={m.settings.weights.intro}
      fields={WEIGHTS}
    />
  );
}

export function CartHolds() {
  return (
    <NumberGroup
      api={holdsApi}
      name={m.settings.sections.cartHolds}
      intro={m.settings.holds.intro}
      fields={HOLDS}
    />
  );
}
