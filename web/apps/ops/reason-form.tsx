import { type FormEvent, useId, useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { LastmileHttpError, LastmileProblem } from '@lastmile/client';
import { newKey } from '@web/keys.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m } from './app.ts';

/** The shortest reason the console accepts (the API takes any non-empty one). */
export const MIN_REASON = 3;

/**
 * An ops action that asks why first: the reason (required, at least 3 characters) and one button.
 * The button is disabled while the call runs, so a double click sends it once; an attempt keeps its
 * Idempotency-Key until it is answered, so a retry after a lost answer is the same request (the
 * API replays its first answer instead of acting twice). `act` gets the reason and the key.
 */
export function ReasonForm<T>(p: {
  /** The input's label (which action it is for, when a screen has several). */
  label: string;
  /** The button's text. */
  action: string;
  act: (reason: string, idempotencyKey: string) => Promise<T>;
  onDone?: (result: T) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const attempt = useRef<{ key: string; of: string } | null>(null);
  const busy = useRef(false);
  const run = useMutation({
    mutationFn: (why: string) => {
      if (attempt.current?.of !== why) attempt.current = { key: newKey(), of: why };
      return p.act(why, attempt.current.key);
    },
    onSuccess: (result) => {
      attempt.current = null;
      setReason('');
      p.onDone?.(result);
    },
    onError: (err) => {
      // Answered: the next attempt is a new one. Unanswered, or still running: the same again.
      const answered =
        err instanceof LastmileHttpError &&
        !(err instanceof LastmileProblem && err.code === 'IDEMPOTENCY_IN_FLIGHT');
      if (answered) attempt.current = null;
    },
    onSettled: () => {
      busy.current = false;
    },
  });
  const why = reason.trim();
  const ready = why.length >= MIN_REASON && !p.disabled;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready || busy.current) return;
    busy.current = true;
    run.mutate(why);
  };
  return (
    <form className="reason-form" onSubmit={submit}>
      <div>
        <label htmlFor={id}>{p.label}</label>
        <input
          id={id}
          value={reason}
          required
          minLength={MIN_REASON}
          maxLength={500}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setReason(e.target.value)}
        />
        <span id={`${id}-hint`} className="muted">
          {m.reason.hint(MIN_REASON)}
        </span>
      </div>
      <button type="submit" disabled={!ready || run.isPending}>
        {run.isPending ? m.reason.busy : p.action}
      </button>
      <ErrorNote error={run.error} words={m.problems} />
    </form>
  );
}
