/**
 * Loading one stream into one release and recording what QEMU did: the ground truth of a pair.
 *
 * Why `cont` after a load: a destination can accept the stream and still not run it (a
 * post_load that fails late, a vCPU that cannot resume); a load counts as good only when the
 * guest is running a moment after `cont` and the process is still alive.
 */
import { requireQemu } from "../qemu/binaries.js";
import type { ExitInfo } from "../qemu/launch.js";
import { loadStream } from "../qemu/load.js";
import { refusalLines } from "./qemu-lines.js";
import type { Release } from "./releases.js";

/** What QEMU did with a stream. */
export interface LoadFacts {
  /** QEMU reported the incoming migration completed and survived the alive check. */
  loaded: boolean;
  /** The last `query-migrate` status, or `exited` / `timeout`. */
  status: string;
  /** QEMU's stderr, every line, prefixes kept. */
  stderr: string;
  /** The stderr lines without prefixes and without the deprecation warning. */
  lines: string[];
  /** Why the load failed, in one line (ours, not QEMU's). */
  reason: string | null;
  /** How QEMU ended after a failed load (null: it had not ended). */
  exit: ExitInfo | null;
  /** For a completed load: the run state after `cont` (`running` when good); null otherwise. */
  runState: string | null;
  /** For a completed load: the guest runs after `cont` and QEMU stays alive. */
  runs: boolean | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long the guest must stay running after `cont`. */
const RUN_CHECK_MS = 300;

/** Loads `file` into `release` with `args` and, when it loads, resumes the guest. */
export async function loadAndRun(release: Release, args: readonly string[], file: string): Promise<LoadFacts> {
  const r = await loadStream({ binary: requireQemu(release.kind), args: [...args], file, keep: true });
  const base = { status: r.status, reason: r.reason ?? null, exit: r.exit ?? null };
  if (!r.ok || !r.process) {
    return { ...base, loaded: false, stderr: r.stderr, lines: refusalLines(r.stderr), runState: null, runs: null };
  }
  const proc = r.process;
  try {
    await proc.qmp.execute("cont");
    await sleep(RUN_CHECK_MS);
    const alive = proc.exitInfo() === null;
    const runState = alive ? (await proc.qmp.execute<{ status: string }>("query-status")).status : "exited";
    const stderr = proc.stderr();
    return { ...base, loaded: true, stderr, lines: refusalLines(stderr), runState, runs: alive && runState === "running" };
  } finally {
    await proc.cleanup();
  }
}
