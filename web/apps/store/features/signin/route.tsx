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
      role="store"
      words={m.signIn}
      problems={m.problems}
      onDone={() => void navigate({ to: backTo(next, 'store') })}
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
