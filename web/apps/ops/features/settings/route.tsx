import { createRoute, Link } from '@tanstack/react-router';
import { m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { SETTINGS_SECTIONS } from '../../settings/sections.ts';

// What lastmile does, changed while it runs: one section at a time (`?section=`), each from the
// registry in settings/sections.ts. A settings group the account may not change (the API says so)
// is shown read-only, with the save buttons off and the reason said above it.

interface SettingsSearch {
  section?: string;
}

function SettingsScreen() {
  const search = route.useSearch();
  const current = SETTINGS_SECTIONS.find((s) => s.id === search.section) ?? SETTINGS_SECTIONS[0];
  if (!current) return null;
  const Section = current.component;
  return (
    <section className="stack">
      <h1>{m.settings.title}</h1>
      <p className="muted">{m.settings.intro}</p>
      <nav className="section-tabs card" aria-label={m.settings.sectionsLabel}>
        {SETTINGS_SECTIONS.map((s) => (
          <Link
            key={s.id}
            to="/settings"
            search={{ section: s.id }}
            aria-current={s.id === current.id ? 'page' : undefined}
            data-section={s.id}
          >
            {m.settings.sections[s.title]}
          </Link>
        ))}
      </nav>
      <section aria-labelledby="settings-section" data-section={current.id}>
        <h2 id="settings-section">{m.settings.sections[current.title]}</h2>
        <Section key={current.id} />
      </section>
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings',
  validateSearch: (q: Record<string, unknown>): SettingsSearch =>
    typeof q.section === 'string' && SETTINGS_SECTIONS.some((s) => s.id === q.section)
      ? { section: q.section }
      : {},
  beforeLoad: requireSignIn,
  component: SettingsScreen,
});
