import { createRoute, useNavigate } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { LastmileProblem, unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, m, session } from '../../app.ts';
import { rootRoute } from '../../root.tsx';

class NotACustomer extends Error {}

function SignIn() {
  const { next } = route.useSearch();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: async () => {
      const s = await unwrap(api.POST('/v1/auth/token', { body: { email, password } }));
      if (s.user.role !== 'customer') throw new NotACustomer();
      return s;
    },
    onSuccess: (s) => {
      session.set({ token: s.access_token, user: s.user });
      // Only a path of this app: a link elsewhere is no place to send someone after sign-in.
      const back = next?.startsWith('/app/customer/') ? next.slice('/app/customer'.length) : '/';
      void navigate({ to: back });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  const err = signIn.error;
  return (
    <section className="card narrow">
      <h1>{m.signIn.title}</h1>
      <form onSubmit={submit}>
        <label htmlFor="email">{m.signIn.email}</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="password">{m.signIn.password}</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {err instanceof NotACustomer ? (
          <p role="alert" className="alert">
            {m.signIn.notCustomer}
          </p>
        ) : err instanceof LastmileProblem && err.code === 'UNAUTHENTICATED' ? (
          <p role="alert" className="alert">
            {m.signIn.wrong}
          </p>
        ) : (
          <ErrorNote error={err} words={m.problems} />
        )}
        <p>
          <button type="submit" disabled={signIn.isPending}>
            {signIn.isPending ? m.signIn.busy : m.signIn.submit}
          </button>
        </p>
      </form>
      <p className="muted">{m.signIn.demo}</p>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signin',
  validateSearch: (s: Record<string, unknown>): { next?: string } =>
    typeof s.next === 'string' ? { next: s.next } : {},
  component: SignIn,
});
