import type { RunningPlatform } from '../platform/boot.ts';
import { DEMO_CITY, DEMO_STORE_ID } from './demo-city.ts';
import { DEMO_PASSWORD, DEMO_USERS, demoLoginLabel } from './demo-seed.ts';

/** The web apps lastmile serves (web/apps/<name>) and the demo login each is for. */
export const WEB_APPS = [
  { name: 'customer', login: DEMO_USERS[0].email },
  { name: 'driver', login: DEMO_USERS[2].email },
  { name: 'store', login: DEMO_USERS[4].email },
  { name: 'ops', login: DEMO_USERS[5].email },
] as const;

/** What `lastmile start` prints once it serves: where things are and how to sign in. */
export function demoBanner(p: RunningPlatform, seeded: boolean): string {
  const c = p.ctx.config;
  const center = DEMO_CITY.city.center;
  const lines = [
    '',
    `lastmile is running (roles: ${c.roles.join(', ')}; instance ${c.instanceId})`,
    `  database   ${p.embedded ? `embedded Postgres, data in ${c.dataDir}/pg` : 'DATABASE_URL'}`,
    `  events     ${p.ctx.bus.kind === 'nats' ? 'NATS JetStream' : 'in-process bus'}`,
    `  hot state  ${p.ctx.kv.kind === 'redis' ? 'Redis' : 'in-process'}`,
  ];
  if (p.url) {
    lines.push(
      `  API        ${p.url}/v1`,
      `  docs       ${p.url}/docs   (OpenAPI: ${p.url}/openapi.json)`,
      `  health     ${p.url}/health  ${p.url}/ready`,
      `  metrics    ${p.url}/metrics`,
      '',
      'Apps:',
      ...WEB_APPS.map(
        (a) => `  ${a.name.padEnd(9)} ${p.url}/app/${a.name}/   (sign in as ${a.login})`,
      ),
    );
  }
  lines.push('', `Demo logins (password "${DEMO_PASSWORD}")${seeded ? ', just seeded' : ''}:`);
  for (const u of DEMO_USERS) lines.push(`  ${demoLoginLabel(u).padEnd(10)} ${u.email}`);
  if (p.url) {
    lines.push(
      '',
      'Try:',
      `  curl -s ${p.url}/v1/auth/token -H 'content-type: application/json' \\`,
      `    -d '{"email":"${DEMO_USERS[0].email}","password":"${DEMO_PASSWORD}"}'`,
      `  curl -s '${p.url}/v1/stores/nearby?lat=${center.lat}&lng=${center.lng}'    # stores delivering to ${center.label}`,
      `  curl -s '${p.url}/v1/stores/${DEMO_STORE_ID}/products?category=dairy-eggs&limit=5'`,
      `  curl -s '${p.url}/v1/search?lat=${center.lat}&lng=${center.lng}&q=milk'`,
    );
  }
  lines.push('', 'Ctrl-C stops it; the data stays for the next start.', '');
  return lines.join('\n');
}
