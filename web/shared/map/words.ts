// The map's words, apart from its other types: the apps' messages name them, and the messages are
// also read outside a browser (test/web/messages.test.ts), where the canvas's types do not exist.

/** The map's words (each app's messages carry them, from `mapWords` in shared/messages.ts). */
export interface MapWords {
  /** The map's accessible name, saying how to move it. */
  label: string;
  /** Added to the name where a tap (or Enter, at the centre) sets the pin. */
  pick: string;
  zoomIn: string;
  zoomOut: string;
  /** The streets could not be loaded (the markers are still shown). */
  failed: string;
}
