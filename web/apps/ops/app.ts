import { createApp } from '@web/app.ts';
import { flag } from '@web/connection.tsx';
import { messages } from './messages.ts';
import { de } from './messages.de.ts';

// What every screen of the ops console shares: who is signed in, the API client, the query cache
// and the words. The console is for ops accounts only: the sign-in refuses any other, and every
// route it calls checks the role (and, for what only an admin may do, the level) again.

export const app = createApp({
  role: 'ops',
  messages: { en: messages, de },
  staleTime: 5_000,
});
export const { m, session, api, queryClient } = app;
/** Whether the live map's connection is down (the frame's banner says so). */
export const cityLinkDown = flag();
