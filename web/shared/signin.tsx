import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type LastmileClient, LastmileProblem, type Schemas, unwrap } from '@lastmile/client';
import type { ProblemMessages } from './problems.ts';
import type { Session, Stored } from './session.ts';
import { ErrorNote } from './ui.tsx';

/** The words of the sign-in form. */
export interface SignInWords {
  title: string;
  email: string;
  password: string;
  submit: string;
  busy: string;
  wrong: string;
  /** Signed in with an account of another role than the app's. */
  wrongRole: string;
  demo: string;
}

class WrongRole extends Error {}

/**
 * Email and password for `POST /v1/auth/token`, kept only for an account of `role` (an app is for
 * one kind of account); `onDone` runs once the session is stored.
 */
export function SignInForm(p: {
  api: LastmileClient;
  session: Stored<Session>;
  role: Schemas['Session']['user']['role'];
  words: SignInWords;
  problems: ProblemMessages;
  onDone: () => void;
}) {
  const w = p.words;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: async () => {
      const s = await unwrap(p.api.POST('/v1/auth/token', { body: { email, password } }));
      if (s.user.role !== p.role) throw new WrongRole();
      return s;
    },
    onSuccess: (s) => {
      p.session.set({ token: s.access_token, user: s.user });
      p.onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  const err = signIn.error;
  return (
    <section className="card narrow">
      <h1>{w.title}</h1>
      <form onSubmit={submit}>
        <label htmlFor="email">{w.email}</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="password">{w.password}</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {err instanceof WrongRole ? (
          <p role="alert" className="alert">
            {w.wrongRole}
          </p>
        ) : err instanceof LastmileProblem && err.code === 'UNAUTHENTICATED' ? (
          <p role="alert" className="alert">
            {w.wrong}
          </p>
        ) : (
          <ErrorNote error={err} words={p.problems} />
        )}
        <p>
          <button type="submit" disabled={signIn.isPending}>
            {signIn.isPending ? w.busy : w.submit}
          </button>
        </p>
      </form>
      <p className="muted">{w.demo}</p>
    </section>
  );
}

/** Where to go after signing in: `next` when it is a path of this app, else its start. */
export function backTo(next: string | undefined, app: string): string {
  const base = `/app/${app}`;
  return next?.startsWith(`${base}/`) ? next.slice(base.length) : '/';
}
