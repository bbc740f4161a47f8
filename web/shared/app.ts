import { QueryClient } from '@tanstack/react-query';
import { LastmileProblem, type Schemas } from '@lastmile/client';
import { apiFor } from './api.ts';
import { pageLocale } from './language.tsx';
import type { Translations } from './locale.ts';
import { sessionStore } from './session.ts';

/** Which kind of account an app is for; the app is served at `/app/<role>/`. */
export type AppRole = Schemas['Session']['user']['role'];

/**
 * What every screen of an app shares: its words in the page's language (`m`, from `messages`, one
 * object per language), who is signed in (the app's own session), the API client signed as that
 * account, and the query cache, emptied when the session ends.
 */
export function createApp<M extends { appName: string }>(o: {
  role: AppRole;
  messages: Translations<M>;
  staleTime: number;
}) {
  const locale = pageLocale();
  const m = o.messages[locale];
  document.title = m.appName;
  const session = sessionStore(o.role);
  const api = apiFor(session);
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: o.staleTime,
        refetchOnWindowFocus: false,
        // A problem the API answered (404, 403…) will answer the same again.
        retry: (failures, err) => !(err instanceof LastmileProblem) && failures < 2,
      },
    },
  });
  session.subscribe(() => {
    if (!session.get()) queryClient.clear();
  });
  return { role: o.role, locale, m, session, api, queryClient };
}

export type App = ReturnType<typeof createApp>;
