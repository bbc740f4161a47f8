import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '@web/ui.tsx';
import { m, place } from '../../app.ts';
import { type SavedAddress, useAddressWrites } from './queries.ts';

/** The name of a saved address, changed in place. */
function Rename(p: { a: SavedAddress; onDone: () => void }) {
  const { update } = useAddressWrites();
  const [label, setLabel] = useState(p.a.label);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ id: p.a.id, label: label.trim() }, { onSuccess: p.onDone });
  };
  const id = `label-${p.a.id}`;
  return (
    <form onSubmit={submit}>
      <label htmlFor={id}>{m.addresses.name}</label>
      <input
        id={id}
        required
        maxLength={60}
        value={label}
        onChange={(e) => setLabel(e.target.value)}
      />
      <ErrorNote error={update.error} words={m.problems} />
      <p className="row">
        <button type="submit" disabled={update.isPending}>
          {m.addresses.save}
        </button>
        <button type="button" className="secondary" onClick={p.onDone}>
          {m.addresses.cancel}
        </button>
      </p>
    </form>
  );
}

/** One saved address: deliver there, make it the default, rename it or delete it. */
export function AddressItem({ a }: { a: SavedAddress }) {
  const { update, remove } = useAddressWrites();
  const navigate = useNavigate();
  const [renaming, setRenaming] = useState(false);
  const deliverHere = () => {
    place.set({ label: a.address, lat: a.lat, lng: a.lng });
    void navigate({ to: '/stores' });
  };
  return (
    <li className="card" data-testid="address" data-label={a.label} data-default={a.is_default}>
      <div className="spread">
        <h2>{a.label}</h2>
        {a.is_default && <strong className="muted">{m.addresses.isDefault}</strong>}
      </div>
      <p>{a.address}</p>
      {a.driver_notes && <p className="muted">{a.driver_notes}</p>}
      {renaming ? (
        <Rename a={a} onDone={() => setRenaming(false)} />
      ) : (
        <p className="row">
          <button type="button" onClick={deliverHere}>
            {m.addresses.deliverHere}
          </button>
          {!a.is_default && (
            <button
              type="button"
              className="secondary"
              disabled={update.isPending}
              onClick={() => update.mutate({ id: a.id, is_default: true })}
            >
              {m.addresses.makeDefault}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => setRenaming(true)}>
            {m.addresses.rename}
          </button>
          <button
            type="button"
            className="secondary"
            aria-label={m.addresses.removeNamed(a.label)}
            disabled={remove.isPending}
            onClick={() => remove.mutate(a.id)}
          >
            {m.addresses.remove}
          </button>
        </p>
      )}
      <ErrorNote error={update.error ?? remove.error} words={m.problems} />
    </li>
  );
}
