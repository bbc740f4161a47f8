import { note, persist, type SimState, sinceStart, sleep } from './state.ts';
import { reportsAt } from './weather.ts';

/** How often the simulated weather and traffic services report, as such feeds do. */
const REPORT_EVERY_S = 20;

/**
 * The weather and traffic services of the simulated city: every 20 s each puts its whole picture
 * to lastmile's conditions feed (`PUT /v1/ops/conditions`, as ops), from the moment a spell
 * begins, until the evening is over. Their requests count in the report like everyone's.
 */
export async function runConditionsFeed(s: SimState): Promise<void> {
  const api = s.api.as(s.opsToken);
  while (!s.stopping) {
    for (const body of reportsAt(s.weather, s.startedAt, sinceStart(s))) {
      const res = await persist(s, () => api.PUT('/v1/ops/conditions', { body })).catch(
        (err: unknown) => note(s, `conditions feed ${body.source}`, err),
      );
      if (res && res.response.status !== 200)
        note(s, `conditions feed ${body.source}`, `answered ${res.response.status}`);
    }
    for (let i = 0; i < REPORT_EVERY_S && !s.stopping; i++) await sleep(1000);
  }
}
