/**
 * Cleanups to run when SIGINT, SIGTERM or SIGHUP ends the process: a temporary file to
 * remove, standard output to truncate back. After them the signal is raised again with
 * Node's handler gone, so the process still dies of it (exit status 128 + n, as the shell
 * expects). Node runs a handler only between turns of its event loop: long synchronous work
 * has to give it turns (see {@link loopTurns}).
 */
const cleanups = new Set<() => void>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const c of cleanups) {
    try {
      c();
    } catch {
      // The process is going; the next cleanup still deserves its chance.
    }
  }
  cleanups.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

/** Registers `cleanup` until the returned function is called. */
export function cleanupOnSignal(cleanup: () => void): () => void {
  if (cleanups.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}

/**
 * A function to call often from a loop that otherwise never leaves the microtask queue
 * (synchronous reads and writes, awaited promises that are already resolved): every
 * `everyMs` it returns a promise that resolves on the next turn of the event loop, where a
 * pending signal's handler runs.
 */
export function loopTurns(everyMs = 50): () => Promise<void> | undefined {
  let last = Date.now();
  return () => {
    const now = Date.now();
    if (now - last < everyMs) return undefined;
    last = now;
    return new Promise((resolve) => setImmediate(resolve));
  };
}
