/**
 * Sends status changes to the extension without flooding the channel: the engine may
 * report progress for every file, but the status bar and panel need a few updates a
 * second. A change of state goes out at once, progress at most every `intervalMs`, and
 * the latest status always wins, so the last progress before a pause is never lost.
 */
import type { IndexStatus } from '../../protocol/status';

/** Progress notifications are sent at most this often by default. */
export const STATUS_INTERVAL_MS = 200;

/** A throttled status sink; `cancel` drops anything pending (on shutdown). */
export type StatusSender = ((status: IndexStatus) => void) & { cancel(): void };

/** Wraps `send` with the throttling described above. */
export function statusSender(send: (status: IndexStatus) => void, intervalMs = STATUS_INTERVAL_MS): StatusSender {
  let lastState: string | null = null;
  let lastSent = 0;
  let pending: IndexStatus | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (!pending) return;
    const s = pending;
    pending = null;
    lastSent = Date.now();
    lastState = s.state;
    send(s);
  };
  const fn = (s: IndexStatus) => {
    pending = s;
    if (s.state !== lastState || Date.now() - lastSent >= intervalMs) {
      if (timer) clearTimeout(timer);
      flush();
    } else if (!timer) {
      timer = setTimeout(flush, intervalMs - (Date.now() - lastSent));
    }
  };
  return Object.assign(fn, {
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  });
}
