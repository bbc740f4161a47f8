// The store's attention for a new paid order: a short beep made with Web Audio (no sound file)
// and a browser notification when the staff allowed them. Browsers let a page make sound only
// after someone touched it, so the first click anywhere unlocks the audio.

let audio: AudioContext | null = null;

function context(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  audio ??= new AudioContext();
  return audio;
}

/** Called from a click or a key: lets the beep play from now on. */
export function unlockSound(): void {
  void context()?.resume();
}

// Any touch of the page unlocks it (the listeners stay: a browser may suspend it again).
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', unlockSound);
  window.addEventListener('keydown', unlockSound);
}

/** Two short tones, about half a second in all. */
export function beep(): void {
  const ctx = context();
  if (!ctx || ctx.state !== 'running') return;
  const start = ctx.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t = start + i * 0.22;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.21);
  }
}

export type NotifyPermission = NotificationPermission | 'unsupported';

export const notifyPermission = (): NotifyPermission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Asks to show notifications (from a click); resolves with the answer. */
export async function askToNotify(): Promise<NotifyPermission> {
  unlockSound();
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** A notification, when allowed; clicking it brings the app forward. */
export function notify(title: string, body: string, tag: string): void {
  if (notifyPermission() !== 'granted') return;
  const n = new Notification(title, { body, tag });
  n.onclick = () => window.focus();
}
