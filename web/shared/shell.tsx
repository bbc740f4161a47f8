import { QueryClientProvider } from '@tanstack/react-query';
import {
  type AnyRoute,
  createRootRoute,
  createRouter,
  Link,
  Outlet,
  redirect,
  RouterProvider,
  useNavigate,
} from '@tanstack/react-router';
import { type ComponentType, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './base.css';
import type { App } from './app.ts';
import { ConnectionBanner, type Link as LinkState } from './connection.tsx';
import { LanguageSwitch } from './language.tsx';

/** The words of an app's frame. */
export interface ShellWords {
  appName: string;
  nav: { signOut: string };
  /** The language switch's label (for screen readers; the switch shows the language's name). */
  language: string;
  /** The banner's words, for an app that keeps a connection. */
  link?: { offline: string; reconnecting: string };
}

const alwaysOnline = (): LinkState => 'online';

/**
 * The frame of every screen of an app: its name, the language switch, its way around (`Nav`,
 * shown once signed in, followed by "sign out") and, for an app with a live connection
 * (`useLink`), the banner while it is offline or reconnecting. Also the guard for the screens
 * that need someone signed in.
 */
export function appShell(o: {
  app: Pick<App, 'session' | 'locale'> & { m: ShellWords };
  Nav: ComponentType;
  useLink?: () => LinkState;
}) {
  const { session, m, locale } = o.app;
  const useLink = o.useLink ?? alwaysOnline;
  function Layout() {
    const who = session.use();
    const navigate = useNavigate();
    const live = useLink();
    const signOut = () => {
      session.set(null);
      void navigate({ to: '/signin' });
    };
    return (
      <>
        <header className="topbar">
          <Link to="/" className="brand">
            {m.appName}
          </Link>
          <LanguageSwitch locale={locale} label={m.language} />
          {who && (
            <nav aria-label={m.appName}>
              <o.Nav />
              <button type="button" className="secondary" onClick={signOut}>
                {m.nav.signOut}
              </button>
            </nav>
          )}
        </header>
        <main className="shell">
          <Outlet />
        </main>
        {m.link && <ConnectionBanner link={live} words={m.link} />}
      </>
    );
  }
  const rootRoute = createRootRoute({ component: Layout });
  /** For a screen's `beforeLoad`: the sign-in screen first when nobody is signed in. */
  const requireSignIn = ({ location }: { location: { href: string } }) => {
    if (!session.get()) throw redirect({ to: '/signin', search: { next: location.href } });
  };
  return { rootRoute, requireSignIn };
}

/**
 * Starts an app in the page's `#root`: its screens are the `route` of each feature module
 * (`import.meta.glob('./features/*\/route.tsx')`, so a screen is added by adding its folder), under
 * `/app/<role>/`. An installable app registers its service worker (`sw.js`, written by the build),
 * so its shell works without a network once loaded.
 */
export function mountApp(o: {
  app: Pick<App, 'role' | 'queryClient'>;
  rootRoute: AnyRoute;
  features: Record<string, { route: AnyRoute }>;
  installable?: boolean;
}) {
  const base = `/app/${o.app.role}`;
  const router = createRouter({
    routeTree: o.rootRoute.addChildren(Object.values(o.features).map((f) => f.route)),
    basepath: base,
    defaultPreload: 'intent',
  });
  const root = document.getElementById('root');
  if (root)
    createRoot(root).render(
      <StrictMode>
        <QueryClientProvider client={o.app.queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </StrictMode>,
    );
  if (o.installable && 'serviceWorker' in navigator)
    void navigator.serviceWorker.register(`${base}/sw.js`, { scope: `${base}/` });
}
