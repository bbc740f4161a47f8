import { createRoute, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { m, type Place, place } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { AddressItem } from './address-item.tsx';
import { useAddresses, useAddressWrites } from './queries.ts';

/** Saves where the app delivers now under a name (the first saved becomes the default). */
function SaveCurrent({ at, first }: { at: Place; first: boolean }) {
  const { create } = useAddressWrites();
  const [label, setLabel] = useState('');
  const [address, setAddress] = useState(at.label);
  const [notes, setNotes] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const driver_notes = notes.trim() || null;
    const body = { label: label.trim(), address: address.trim(), lat: at.lat, lng: at.lng };
    create.mutate(
      { ...body, driver_notes, ...(first ? { is_default: true } : {}) },
      { onSuccess: () => setLabel('') },
    );
  };
  return (
    <form className="card narrow" onSubmit={submit} aria-labelledby="save-title">
      <h2 id="save-title">{m.addresses.add}</h2>
      <p className="muted">{m.addresses.addHint(at.label)}</p>
      <label htmlFor="new-label">{m.addresses.name}</label>
      <input
        id="new-label"
        required
        maxLength={60}
        placeholder={m.addresses.labelHint}
        value={label}
        onChange={(e) => setLabel(e.target.value)}
      />
      <label htmlFor="new-address">{m.addresses.address}</label>
      <input
        id="new-address"
        required
        minLength={3}
        maxLength={300}
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <label htmlFor="new-notes">{m.addresses.notes}</label>
      <input
        id="new-notes"
        maxLength={500}
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
      />
      <ErrorNote error={create.error} words={m.problems} />
      <p>
        <button type="submit" disabled={create.isPending}>
          {m.addresses.saveNew}
        </button>
      </p>
    </form>
  );
}

function Addresses() {
  const list = useAddresses();
  const at = place.use();
  const items = list.data ?? [];
  return (
    <section>
      <h1>{m.addresses.title}</h1>
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.isSuccess && items.length === 0 && <p>{m.addresses.none}</p>}
      <ul className="grid" data-testid="addresses">
        {items.map((a) => (
          <AddressItem key={a.id} a={a} />
        ))}
      </ul>
      {at ? (
        <SaveCurrent at={at} first={list.isSuccess && items.length === 0} />
      ) : (
        <p>
          {m.addresses.noPlace} <Link to="/place">{m.addresses.pick}</Link>
        </p>
      )}
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/addresses',
  beforeLoad: requireSignIn,
  component: Addresses,
});
