/** A promise given a deadline that did not settle within it (`withDeadline`). */
export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * `p`, or a DeadlineError when it has not settled `ms` after the call (`what` names who did not
 * answer). The deadline counts the other side's delay and not this process's: when the timer
 * fires, a reply that has already arrived may still be unread behind a busy event loop, so the
 * verdict waits for the next poll of the sockets (setImmediate runs after it). Without this, a
 * 10 ms stall of the event loop would fail every call in flight. The timer holds no process open.
 */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new DeadlineError(what, ms));
      });
    }, ms);
    timer.unref();
    p.then(
      (v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
