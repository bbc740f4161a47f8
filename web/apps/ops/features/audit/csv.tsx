import { useMutation } from '@tanstack/react-query';
import { errorOf } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import type { AuditSearch } from './filter.tsx';

/**
 * The filtered log as CSV. A plain link would not carry the bearer token, so the file is fetched
 * with it and handed to the browser as a download.
 */
export function CsvButton({ search }: { search: AuditSearch }) {
  const download = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.GET('/v1/ops/audit.csv', {
        params: { query: search },
        parseAs: 'blob',
      });
      if (error !== undefined || !data) throw errorOf(error, response);
      const url = URL.createObjectURL(data);
      const a = document.createElement('a');
      a.href = url;
      a.download = `lastmile-audit-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  return (
    <div>
      <button
        type="button"
        className="secondary"
        aria-disabled={download.isPending}
        onClick={() => !download.isPending && download.mutate()}
      >
        {download.isPending ? m.audit.csvBusy : m.audit.csv}
      </button>
      <ErrorNote error={download.error} words={m.problems} />
    </div>
  );
}
