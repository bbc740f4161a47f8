import { createRoute, useNavigate } from '@tanstack/react-router';
import { backTo, SignInForm } from '@web/signin.tsx';
import { api, m, session } from '../../app.ts';
import { rootRoute } from '../../root.tsx';

function SignIn() {
  const { next } = route.useSearch();
  const navigate = useNavigate();
  return (
    <SignInForm
      api={api}
      session={session}
      role="customer"
      words={m.signIn}
      problems={m.problems}
      // Only a path of this app: a link elsewhere is no place to send someone after sign-in.
      onDone={() => void navigate({ to: backTo(next, 'customer') })}
    />
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signin',
  validateSearch: (s: Record<string, unknown>): { next?: string } =>
    typeof s.next === 'string' ? { next: s.next } : {},
  component: SignIn,
});
