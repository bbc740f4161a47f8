import { sharedDe as shared } from '@web/messages.de.ts';
import type { Messages } from './messages.ts';

// Every word the driver app shows, in German: the same keys as messages.ts.

export const de: Messages = {
  locale: 'de',
  appName: 'lastmile Fahrer',
  loading: 'Wird geladen…',
  nav: { shift: 'Schicht', trip: 'Auftrag', today: 'Heute', signOut: 'Abmelden' },
  link: {
    offline:
      'Du bist offline. Standorte und Schritte werden gespeichert und gesendet, sobald du wieder online bist.',
    reconnecting: 'Verbindung wird wiederhergestellt…',
  },
  language: shared.language,
  map: shared.map,
  signIn: {
    ...shared.signIn,
    title: 'Zum Fahren anmelden',
    wrongRole: 'Diese App ist für Fahrerinnen und Fahrer. Melde dich mit einem Fahrerkonto an.',
    demo: 'Demo: driver@demo.lastmile.dev, Passwort lastmile-demo',
  },
  shift: {
    title: 'Deine Schicht',
    status: 'Status',
    goOnline: 'Online gehen',
    goBreak: 'Pause machen',
    goOffline: 'Offline gehen',
    onJob: 'Du bist gerade in einem Auftrag.',
    openJob: 'Auftrag öffnen',
    waiting: 'Warten auf ein Auftragsangebot…',
    queued: (n: number) =>
      n === 1 ? '1 Standort noch nicht gesendet' : `${n} Standorte noch nicht gesendet`,
    noGeo:
      'Dein Standort ist nicht verfügbar. Erlaube den Standortzugriff, um Aufträge zu bekommen.',
  },
  offer: {
    title: 'Neuer Auftrag',
    expiresIn: (s: number) => `Noch ${s} s zum Antworten`,
    expired: 'Dieses Angebot ist abgelaufen.',
    pay: 'Verdienst',
    toStore: 'Zum Geschäft',
    toDropoff: (n: number) => `Lieferung ${n}`,
    items: (n: number) => (n === 1 ? '1 Artikel' : `${n} Artikel`),
    accept: 'Annehmen',
    decline: 'Ablehnen',
    taken: 'Zu spät: Das Angebot ist abgelaufen oder ging an jemand anderen.',
  },
  trip: {
    title: 'Dein Auftrag',
    none: 'Gerade kein Auftrag.',
    back: 'Zurück zur Schicht',
    store: 'Geschäft',
    dropoff: (n: number) => `Lieferung ${n}`,
    navigate: 'Navigieren',
    you: 'Du',
    away: (d: string) => `${d} entfernt`,
    notReady: 'Das Geschäft packt diese Bestellung noch.',
    arrivedStore: 'Am Geschäft angekommen',
    pickedUp: 'Abgeholt',
    arrivedDropoff: 'An der Lieferadresse angekommen',
    handover: 'Übergeben',
    pin: 'PIN der Kundschaft',
    sending: 'Wird gesendet…',
    queued: 'Gespeichert: wird gesendet, sobald die Verbindung wieder da ist.',
    done: 'Auftrag erledigt. Danke!',
    tooFar: (m: number, limit: number) =>
      `Du bist ${m} m vom Stopp entfernt; dieser Schritt geht nur im Umkreis von ${limit} m. Geh näher heran und versuch es noch einmal.`,
    wrongPin: (left: number | null) =>
      `Diese PIN stimmt nicht. Frag noch einmal nach${
        left === null ? '' : left === 1 ? ' (noch 1 Versuch)' : ` (noch ${left} Versuche)`
      }.`,
    ageCheck: 'Ich habe den Ausweis geprüft: alt genug für diese Artikel',
    ageRequired: 'Für diese Artikel ist eine Alterskontrolle nötig: Bestätige zuerst das Alter.',
    notReadyRefused:
      'Das Geschäft hat die Bestellung noch nicht als fertig markiert. Warte auf die Tüte.',
  },
  today: {
    title: 'Heute',
    earned: 'Heute verdient',
    deliveries: (n: number) => (n === 1 ? '1 Lieferung' : `${n} Lieferungen`),
    none: 'Heute noch keine Lieferungen.',
    pending: 'noch nicht ausgezahlt',
  },
  driverStatus: {
    offline: 'Offline',
    available: 'Online, bereit für Aufträge',
    on_delivery: 'Im Einsatz',
    break: 'In der Pause',
  },
  delivery: {
    pending: 'Wartet auf Zuteilung',
    assigned: 'Auf dem Weg zum Geschäft',
    at_store: 'Im Geschäft',
    picked_up: 'Auf dem Weg zur Lieferadresse',
    at_dropoff: 'An der Lieferadresse',
    delivered: 'Zugestellt',
    failed: 'Fehlgeschlagen',
    returned: 'Zurückgebracht',
    canceled: 'Storniert',
  },
  problems: {
    ...shared.problems,
    network:
      'Keine Verbindung zu lastmile. Sobald das Netz wieder da ist, wird es erneut versucht.',
    CONFLICT: 'Das geht nicht mehr: Der Auftrag ist schon weiter.',
    LOCATION_UNKNOWN:
      'Dein Standort ist noch nicht bei lastmile angekommen. Warte ein paar Sekunden und versuch es noch einmal.',
    PIN_LOCKED: 'Zu viele falsche PINs: Die Übergabe ist gesperrt. Der Support ist informiert.',
    PROOF_REQUIRED: 'Für diese Übergabe brauchst du die PIN der Kundschaft.',
  },
};
