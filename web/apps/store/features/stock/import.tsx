import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, keys, m, queryClient } from '../../app.ts';

type Result = Schemas['ImportResult'];

/** Lines per request: the file goes in parts, so the progress is the API's own. */
const CHUNK = 200;

/**
 * The CSV in parts of CHUNK lines, each with the header; `offset` is how many data lines came
 * before, so an error's line in a part maps back to the file's.
 */
function parts(csv: string): Array<{ body: string; offset: number; lines: number }> {
  const all = csv.replace(/(\r?\n)+$/, '').split(/\r?\n/);
  const header = all[0] ?? '';
  const out: Array<{ body: string; offset: number; lines: number }> = [];
  for (let i = 1; i < all.length; i += CHUNK) {
    const rows = all.slice(i, i + CHUNK);
    if (rows.every((r) => r.trim() === '')) continue;
    out.push({ body: [header, ...rows].join('\n'), offset: i - 1, lines: rows.length });
  }
  return out;
}

export function StockImport({ storeId }: { storeId: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ done: number; all: number } | null>(null);
  const run = useMutation({
    mutationFn: async (f: File): Promise<Result> => {
      const chunks = parts(await f.text());
      const all = chunks.reduce((n, c) => n + c.lines, 0);
      const total: Result = { rows: 0, applied: 0, failed: 0, errors: [] };
      setProgress({ done: 0, all });
      for (const c of chunks) {
        const r = await unwrap(
          api.POST('/v1/stores/{id}/stock/import', {
            params: { path: { id: storeId } },
            body: c.body,
            bodySerializer: (b: unknown) => b as string,
            headers: { 'content-type': 'text/csv' },
          }),
        );
        total.rows += r.rows;
        total.applied += r.applied;
        total.failed += r.failed;
        total.errors.push(...r.errors.map((e) => ({ ...e, line: e.line + c.offset })));
        setProgress((p) => (p ? { ...p, done: p.done + c.lines } : p));
      }
      return total;
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.products }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) run.mutate(file);
  };
  const r = run.data;
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="import-title">
      <h2 id="import-title">{m.stock.importTitle}</h2>
      <p className="muted">{m.stock.importHelp}</p>
      <label htmlFor="csv">{m.stock.file}</label>
      <input
        id="csv"
        type="file"
        accept=".csv,text/csv"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <button type="submit" disabled={!file || run.isPending}>
        {m.stock.import}
      </button>
      {progress && (
        <p aria-live="polite" data-testid="import-progress">
          <progress max={progress.all} value={progress.done} />{' '}
          {run.isPending ? m.stock.progress(progress.done, progress.all) : ''}
        </p>
      )}
      {r && (
        <p role="status" data-testid="import-result">
          {r.rows === 0 ? m.stock.emptyFile : m.stock.result(r.applied, r.failed)}
        </p>
      )}
      {r && r.errors.length > 0 && (
        <ul className="alert" data-testid="import-errors">
          {r.errors.map((e) => (
            <li key={`${e.line}-${e.field ?? ''}`} data-line={e.line}>
              {m.stock.lineError(e.line, e.message)}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={run.error} words={m.problems} />
    </form>
  );
}
