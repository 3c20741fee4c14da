/**
 * Makes an orphaned worker exit. The extension host talks to the worker over Node IPC:
 * when the host dies the IPC channel disconnects, and as a second signal the worker is
 * re-parented (its `ppid` changes). Either way `onOrphaned` runs once, soon enough that
 * the worker is gone within 3 s and its index lock is free for the next window.
 */

/** How often the parent pid is checked; the IPC disconnect usually fires first. */
const PPID_POLL_MS = 500;

/** Watches the parent; returns a function that stops watching. */
export function watchParent(onOrphaned: (why: string) => void, proc: NodeJS.Process = process): () => void {
  const originalPpid = proc.ppid;
  let fired = false;
  const fire = (why: string) => {
    if (fired) return;
    fired = true;
    stop();
    onOrphaned(why);
  };
  const onDisconnect = () => fire('the IPC channel to the extension host closed');
  proc.on('disconnect', onDisconnect);
  const timer = setInterval(() => {
    if (proc.ppid !== originalPpid) fire(`the parent process ${originalPpid} exited`);
  }, PPID_POLL_MS);
  // The poll must not be what keeps an otherwise finished worker alive.
  timer.unref();
  function stop() {
    clearInterval(timer);
    proc.off('disconnect', onDisconnect);
  }
  return stop;
}
