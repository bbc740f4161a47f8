import { Link } from '@tanstack/react-router';
import { useLinkOf } from '@web/connection.tsx';
import { appShell } from '@web/shell.tsx';
import { app, cityLinkDown, m, session } from './app.ts';

/** Who is signed in, and at which level (what they may do depends on it). */
function Who() {
  const who = session.use();
  const level = who?.user.ops_level;
  if (!who || !level) return null;
  return (
    <span className="muted" data-testid="signed-in" data-level={level}>
      {m.signedInAs(who.user.name, m.level[level])}
    </span>
  );
}

/** The way around, once signed in. */
function Nav() {
  return (
    <>
      <Who />
      <Link to="/">{m.nav.orders}</Link>
      <Link to="/live">{m.nav.live}</Link>
      <Link to="/attention">{m.nav.attention}</Link>
      <Link to="/dead-letters">{m.nav.deadLetters}</Link>
      <Link to="/webhooks">{m.nav.webhooks}</Link>
      <Link to="/audit">{m.nav.audit}</Link>
      <Link to="/health">{m.nav.health}</Link>
      <Link to="/settings">{m.nav.settings}</Link>
    </>
  );
}

/** Offline, or the live map's connection getting back. */
const useLive = () => useLinkOf(cityLinkDown);

export const { rootRoute, requireSignIn } = appShell({ app, Nav, useLink: useLive });
