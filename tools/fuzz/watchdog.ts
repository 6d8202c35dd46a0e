/**
 * A hang is a finding the fuzzing process cannot report itself: a command stuck in a
 * synchronous wait (as a write into a full pipe once was) blocks the event loop, timers and
 * all. So a worker thread watches a heartbeat that the runner beats before each mutant, with
 * what to say should that mutant never finish: when no beat has come for `seconds`, the
 * worker says so on stderr, writes it down as a finding, and kills the process (SIGKILL: a
 * SIGTERM handler would wait for the blocked thread, and so would the worker's own console).
 */
import { Worker } from "node:worker_threads";

export interface Watchdog {
  /** A mutant starts: `line` goes to stderr and `report` to `path` (its folder made), if it hangs. */
  beat(path: string, report: string, line: string): void;
  stop(): void;
}

/** Room for what is said of one mutant (its sample, mutator and detail are short). */
const NOTE_BYTES = 64 << 10;

// Plain JavaScript run by the worker: it only reads the shared memory and makes four calls.
const WORKER = `
const { workerData: { beats, note, seconds } } = require("node:worker_threads");
const fs = require("node:fs");
let seen = Atomics.load(beats, 0), since = Date.now();
setInterval(() => {
  const now = Atomics.load(beats, 0);
  if (now !== seen) { seen = now; since = Date.now(); return; }
  if (now === 0 || Date.now() - since < seconds * 1000) return;
  try {
    const { path, report, line } = JSON.parse(Buffer.from(note.subarray(0, Atomics.load(beats, 1))).toString());
    fs.writeSync(2, line);
    fs.mkdirSync(require("node:path").dirname(path), { recursive: true });
    fs.writeFileSync(path, report);
  } finally {
    // Whatever could not be said: a hung run must still end.
    process.kill(process.pid, "SIGKILL");
  }
}, 1000);
`;

export function startWatchdog(seconds: number): Watchdog {
  const beats = new Int32Array(new SharedArrayBuffer(8));
  const note = new Uint8Array(new SharedArrayBuffer(NOTE_BYTES));
  const worker = new Worker(WORKER, { eval: true, workerData: { beats, note, seconds } });
  worker.unref();
  return {
    beat(path, report, line) {
      const bytes = Buffer.from(JSON.stringify({ path, report, line }));
      if (bytes.length > NOTE_BYTES) throw new Error(`a watchdog note of ${bytes.length} bytes: keep it under ${NOTE_BYTES}`);
      note.set(bytes);
      Atomics.store(beats, 1, bytes.length);
      Atomics.add(beats, 0, 1);
    },
    stop: () => void worker.terminate(),
  };
}
