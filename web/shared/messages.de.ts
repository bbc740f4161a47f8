import type { SharedMessages } from './messages.ts';

// The words every app says alike, in German (du, as the apps speak to everyone).

export const sharedDe: SharedMessages = {
  problems: {
    unexpected: (status: number) =>
      `Da ist etwas schiefgelaufen (HTTP ${status}). Bitte versuch es noch einmal.`,
    UNAUTHENTICATED: 'Bitte melde dich erneut an.',
    FORBIDDEN: 'Mit diesem Konto geht das nicht.',
    NOT_FOUND: 'Nicht gefunden.',
    VALIDATION_FAILED: 'Etwas an deiner Eingabe stimmt nicht. Prüf sie und versuch es noch einmal.',
    CONFLICT:
      'Das geht nicht mehr: Inzwischen hat sich etwas geändert. Lade die Seite neu und versuch es noch einmal.',
    UNPROCESSABLE: 'Das lässt sich so nicht ausführen.',
    IDEMPOTENCY_IN_FLIGHT: 'Das wird gerade noch bearbeitet. Warte einen Moment.',
    IDEMPOTENCY_KEY_REUSED:
      'Das wurde schon mit anderen Angaben gesendet. Bitte versuch es noch einmal.',
    PAYLOAD_TOO_LARGE: 'Das ist zu viel auf einmal.',
    REQUEST_TIMEOUT: 'Die Verbindung war zu langsam. Bitte versuch es noch einmal.',
    RATE_LIMITED: 'Zu viele Anfragen auf einmal. Warte kurz und versuch es dann noch einmal.',
    INTERNAL: 'Bei lastmile ist etwas schiefgelaufen. Bitte versuch es noch einmal.',
    OVERLOADED: 'lastmile ist gerade sehr ausgelastet. Bitte versuch es gleich noch einmal.',
    DEPENDENCY_UNAVAILABLE:
      'lastmile ist kurz nicht erreichbar. Bitte versuch es gleich noch einmal.',
  },
  signIn: {
    email: 'E-Mail',
    password: 'Passwort',
    submit: 'Anmelden',
    busy: 'Anmeldung läuft…',
    wrong: 'Zu dieser E-Mail-Adresse und diesem Passwort gibt es kein Konto.',
  },
  language: 'Sprache',
  map: {
    label: 'Karte. Zum Verschieben ziehen oder die Pfeiltasten nutzen; + und − zoomen.',
    pick: 'Tipp auf eine Stelle oder drück Enter, um die Nadel dorthin zu setzen.',
    zoomIn: 'Vergrößern',
    zoomOut: 'Verkleinern',
    failed: 'Die Straßen konnten nicht geladen werden.',
  },
};
