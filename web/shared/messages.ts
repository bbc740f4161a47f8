import type { MapWords } from './map/words.ts';
import type { ProblemMessages } from './problems.ts';

// The words every app says alike, in English (messages.de.ts says them in German); each app's
// messages.ts adds its own on top of them.

/** The words of the sign-in form. */
export interface SignInWords {
  title: string;
  email: string;
  password: string;
  submit: string;
  busy: string;
  wrong: string;
  /** Signed in with an account of another role than the app's. */
  wrongRole: string;
  demo: string;
}

export const shared = {
  /** Problems every app may meet, told the same way. */
  problems: {
    unexpected: (status: number) => `Something went wrong (HTTP ${status}). Please try again.`,
    UNAUTHENTICATED: 'Please sign in again.',
    FORBIDDEN: 'This account cannot do that.',
    NOT_FOUND: 'Not found.',
    VALIDATION_FAILED: 'Something you entered is not valid. Check it and try again.',
    CONFLICT: 'That is no longer possible: something changed meanwhile. Reload and try again.',
    UNPROCESSABLE: 'That cannot be done as asked.',
    IDEMPOTENCY_IN_FLIGHT: 'That is still being processed. Wait a moment.',
    IDEMPOTENCY_KEY_REUSED: 'That was already sent with other details. Please try again.',
    PAYLOAD_TOO_LARGE: 'That is too much to send at once.',
    REQUEST_TIMEOUT: 'The connection was too slow. Please try again.',
    RATE_LIMITED: 'Too many requests at once. Wait a moment and try again.',
    INTERNAL: 'Something went wrong at lastmile. Please try again.',
    OVERLOADED: 'lastmile is very busy right now. Please try again in a moment.',
    DEPENDENCY_UNAVAILABLE: 'lastmile is briefly unavailable. Please try again in a moment.',
  } satisfies Omit<ProblemMessages, 'network'>,
  /** The sign-in form's words: the title, who the app is for and its demo account are the app's. */
  signIn: {
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    wrong: 'That email and password do not match an account.',
  } satisfies Omit<SignInWords, 'title' | 'wrongRole' | 'demo'>,
  /** The label of the frame's language switch. */
  language: 'Language',
  /** The map's words (shared/map), the same in every app. */
  map: {
    label: 'Map. Drag it or use the arrow keys to move it; + and − zoom.',
    pick: 'Tap a spot, or press Enter, to set the pin there.',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    failed: 'The streets could not be loaded.',
  } satisfies MapWords,
};

export type SharedMessages = typeof shared;
