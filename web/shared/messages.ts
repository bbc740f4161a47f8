import type { MapWords } from './map/types.ts';
import type { ProblemMessages } from './problems.ts';
import type { SignInWords } from './signin.tsx';

// The words every app says alike; each app's messages.ts adds its own on top of them.

/** Problems every app may meet, told the same way. */
export const commonProblems = {
  unexpected: (status: number) => `Something went wrong (HTTP ${status}). Please try again.`,
  UNAUTHENTICATED: 'Please sign in again.',
  FORBIDDEN: 'This account cannot do that.',
  NOT_FOUND: 'Not found.',
  RATE_LIMITED: 'Too many requests at once. Wait a moment and try again.',
  OVERLOADED: 'lastmile is very busy right now. Please try again in a moment.',
  DEPENDENCY_UNAVAILABLE: 'lastmile is briefly unavailable. Please try again in a moment.',
} satisfies Omit<ProblemMessages, 'network'>;

/** The sign-in form's words: the title, who the app is for and its demo account are the app's. */
export const signInWords = (
  own: Pick<SignInWords, 'title' | 'wrongRole' | 'demo'>,
): SignInWords => ({
  email: 'Email',
  password: 'Password',
  submit: 'Sign in',
  busy: 'Signing in…',
  wrong: 'That email and password do not match an account.',
  ...own,
});

/** The map's words (shared/map), the same in every app. */
export const mapWords: MapWords = {
  label: 'Map. Drag it or use the arrow keys to move it; + and − zoom.',
  pick: 'Tap a spot, or press Enter, to set the pin there.',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  failed: 'The streets could not be loaded.',
};
