import { useMutation } from '@tanstack/react-query';
import { type AnyRootRoute, createRoute, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { type LastmileClient, LastmileProblem, type Schemas, unwrap } from '@lastmile/client';
import type { App } from './app.ts';
import type { SignInWords } from './messages.ts';
import type { ProblemMessages } from './problems.ts';
import type { Session, Stored } from './session.ts';
import { ErrorNote } from './ui.tsx';

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
    if (!signIn.isPending) signIn.mutate();
  };
  const err = signIn.error;
  return (
    <section className="card narrow">
      <h1>{w.title}</h1>
      <form onSubmit={submit}>
        <Field id="email" label={w.email} value={email} onChange={setEmail} />
        <Field id="password" label={w.password} value={password} onChange={setPassword} />
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
          {/* aria-disabled, not disabled: a refusal leaves the keyboard's focus on the button. */}
          <button type="submit" aria-disabled={signIn.isPending}>
            {signIn.isPending ? w.busy : w.submit}
          </button>
        </p>
      </form>
      <p className="muted">{w.demo}</p>
    </section>
  );
}

/** One required field of the form, filled in by the browser's password manager. */
function Field(p: {
  id: 'email' | 'password';
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <>
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        type={p.id}
        autoComplete={p.id === 'email' ? 'username' : 'current-password'}
        required
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
      />
    </>
  );
}

/**
 * The `/signin` screen of an app: the form for the app's kind of account, then back where the
 * person was sent from (`?next=`), or to the app's start.
 */
export function signinRoute(o: {
  app: Pick<App, 'role' | 'api' | 'session'> & {
    m: { signIn: SignInWords; problems: ProblemMessages };
  };
  rootRoute: AnyRootRoute;
}) {
  const { app } = o;
  function SignIn() {
    const { next } = route.useSearch();
    const navigate = useNavigate();
    return (
      <SignInForm
        api={app.api}
        session={app.session}
        role={app.role}
        words={app.m.signIn}
        problems={app.m.problems}
        // Only a path of this app: a link elsewhere is no place to send someone after sign-in.
        onDone={() => void navigate({ to: backTo(next, app.role) })}
      />
    );
  }
  const route = createRoute({
    getParentRoute: () => o.rootRoute,
    path: '/signin',
    validateSearch: (s: Record<string, unknown>): { next?: string } =>
      typeof s.next === 'string' ? { next: s.next } : {},
    component: SignIn,
  });
  return route;
}

/** Where to go after signing in: `next` when it is a path of this app, else its start. */
export function backTo(next: string | undefined, app: string): string {
  const base = `/app/${app}`;
  return next?.startsWith(`${base}/`) ? next.slice(base.length) : '/';
}
