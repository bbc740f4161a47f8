/** A labelled `datetime-local` input (the browser's time zone; see search.ts for the conversion). */
export function TimeField(p: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div>
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="datetime-local"
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
      />
    </div>
  );
}
