import type { OpsCityZone } from '@lastmile/client';
import { m } from '../../app.ts';
import { SelectField } from '../../fields.tsx';
import type { City } from './city.ts';
import { type LiveSearch, ORDER_STATES } from './filters.ts';

// What the live map shows, chosen from what is there now: each change is a new URL at once.

/** Zones offered: those most short of drivers first. */
const ZONES_LISTED = 50;

type Filters = Omit<LiveSearch, 'measure'>;

/** The zones to offer: the most short of drivers, and the one chosen even when it went quiet. */
function zoneChoices(city: City, chosen: string | undefined): OpsCityZone[] {
  const zones = [...city.zones.values()]
    .sort((a, b) => b.demand - b.supply - (a.demand - a.supply) || (a.cell < b.cell ? -1 : 1))
    .slice(0, ZONES_LISTED);
  if (chosen && !zones.some((z) => z.cell === chosen))
    zones.unshift(
      city.zones.get(chosen) ??
        city.cells.get(chosen) ?? { cell: chosen, boundary: [], demand: 0, supply: 0 },
    );
  return zones;
}

/** The live map's filters, chosen from what is there now. */
export function LiveFilters(p: { city: City; value: LiveSearch; onFilter: (f: Filters) => void }) {
  const { zone, store, state, late } = p.value;
  const set = (patch: Partial<Filters>) => {
    const next = { zone, store, state, late, ...patch };
    p.onFilter({
      ...(next.zone ? { zone: next.zone } : {}),
      ...(next.store ? { store: next.store } : {}),
      ...(next.state ? { state: next.state } : {}),
      ...(next.late ? { late: true } : {}),
    });
  };
  const stores = [...p.city.stores.values()].sort((a, b) => a.name.localeCompare(b.name));
  const storeOptions = stores.map((s) => ({
    value: s.id,
    text: `${s.name} · ${m.live.storeStatus[s.status]}`,
  }));
  if (store && !p.city.stores.has(store)) storeOptions.unshift({ value: store, text: store });
  return (
    <form
      className="card search-form live-filters"
      role="search"
      aria-label={m.live.filters}
      onSubmit={(e) => e.preventDefault()}
    >
      <SelectField
        id="live-zone"
        label={m.live.zone}
        any={m.live.anyZone}
        value={zone ?? ''}
        options={zoneChoices(p.city, zone).map((z) => ({
          value: z.cell,
          text: m.live.zoneOption(z.cell, z.demand, z.supply),
        }))}
        onChange={(v) => set({ zone: v || undefined })}
      />
      <SelectField
        id="live-store"
        label={m.live.store}
        any={m.live.anyStore}
        value={store ?? ''}
        options={storeOptions}
        onChange={(v) => set({ store: v || undefined })}
      />
      <SelectField
        id="live-state"
        label={m.live.state}
        any={m.live.anyState}
        value={state ?? ''}
        values={ORDER_STATES}
        words={m.orderStatus}
        onChange={(v) => set({ state: v || undefined })}
      />
      <p className="row">
        <label className="check">
          <input
            type="checkbox"
            checked={late === true}
            onChange={(e) => set({ late: e.target.checked || undefined })}
          />{' '}
          {m.live.lateOnly}
        </label>
        <button type="button" className="secondary" onClick={() => p.onFilter({})}>
          {m.live.clear}
        </button>
      </p>
    </form>
  );
}
