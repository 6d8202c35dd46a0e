/**
 * Loading a migration stream into a real QEMU and reporting whether QEMU accepted it.
 *
 * Why the checks: QEMU is the only authority on whether a stream is valid. The destination is
 * started with the source's arguments plus `-incoming`; we poll `query-migrate` until it says
 * `completed` or the process exits (on a load error QEMU prints e.g.
 * `Failed to load cpu:cpreg_vmstate_array_len` and exits). A failing post_load can kill the
 * process just after the status flipped to `completed`, so we also check it is still alive a
 * moment later before calling the load good.
 *
 * When the destination needs capabilities set (for example `xbzrle`), it is started with
 * `-incoming defer`, the capabilities are set over QMP, and `migrate-incoming` starts the load.
 */
import { shellQuote, capabilityList, type MigrateInfo } from "./capture.js";
import { type QemuBinary } from "./binaries.js";
import { launchQemu, LaunchError, type ExitInfo, type QemuProcess } from "./launch.js";
import { QmpClosedError } from "./qmp.js";

/** What to load. Give either `file` or `incomingUri`. */
export interface LoadOptions {
  binary: QemuBinary;
  /** The source's machine arguments (without `-S`). */
  args: string[];
  /** Stream file; becomes `-incoming "exec:cat FILE"`. */
  file?: string;
  /** Incoming URI used verbatim (e.g. `exec:cat FIFO | filter`), instead of `file`. */
  incomingUri?: string;
  /** Further arguments for the destination only (e.g. `-global migration.x-compress=on`). */
  extraArgs?: string[];
  /** Capabilities to set on the destination before loading (uses `-incoming defer`). */
  capabilities?: Record<string, boolean>;
  /** Parameters to set on the destination before loading (uses `-incoming defer`). */
  parameters?: Record<string, unknown>;
  /** How long the process must survive after `completed` (default 1000 ms). */
  aliveCheckMs?: number;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** Keep the destination running and return it; the caller must `cleanup()` it. */
  keep?: boolean;
}

/** The verdict. `status` is the last `query-migrate` status, or `exited` / `timeout`. */
export interface LoadResult {
  ok: boolean;
  status: string;
  stderr: string;
  /** Why `ok` is false, in one line (QEMU's stderr has the details). */
  reason?: string;
  /** The running destination, only with `keep: true` and `ok`. */
  process?: QemuProcess;
  /** How QEMU ended when the load failed (null: still running when given up on). */
  exit?: ExitInfo | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a destination QEMU, feeds it the stream, and reports whether it loaded. */
export async function loadStream(opts: LoadOptions): Promise<LoadResult> {
  const uri = opts.incomingUri ?? (opts.file !== undefined ? `exec:cat ${shellQuote(opts.file)}` : undefined);
  if (uri === undefined) throw new Error("loadStream needs file or incomingUri");
  const defer = Boolean(
    (opts.capabilities && Object.keys(opts.capabilities).length) ||
      (opts.parameters && Object.keys(opts.parameters).length),
  );
  const args = [...opts.args, ...(opts.extraArgs ?? []), "-incoming", defer ? "defer" : uri];

  let proc: QemuProcess;
  try {
    proc = await launchQemu({ binary: opts.binary, args });
  } catch (err) {
    if (err instanceof LaunchError) {
      return { ok: false, status: "exited", stderr: err.stderr, reason: err.message.split("\n")[0], exit: err.exit };
    }
    throw err;
  }

  let keep = false;
  try {
    if (defer) {
      if (opts.capabilities) {
        await proc.qmp.execute("migrate-set-capabilities", { capabilities: capabilityList(opts.capabilities) });
      }
      if (opts.parameters) await proc.qmp.execute("migrate-set-parameters", opts.parameters);
      await proc.qmp.execute("migrate-incoming", { uri });
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    let status = "unknown";
    for (;;) {
      let info: MigrateInfo;
      try {
        info = await proc.qmp.execute<MigrateInfo>("query-migrate");
      } catch (err) {
        if (!(err instanceof QmpClosedError)) throw err;
        return await fail("exited", `QEMU exited during the load (last status ${status})`);
      }
      status = info.status ?? "none";
      if (status === "completed") break;
      if (status === "failed" || status === "cancelled") {
        return await fail(status, info["error-desc"] ?? `incoming migration ${status}`);
      }
      if (Date.now() > deadline) return await fail("timeout", `load not completed in time (status ${status})`, 0);
      await sleep(50);
    }
    await sleep(opts.aliveCheckMs ?? 1000);
    if (proc.exitInfo() !== null) {
      return await fail("exited", "QEMU exited shortly after the load completed (post_load failure?)");
    }
    if (opts.keep) {
      keep = true;
      return { ok: true, status, stderr: proc.stderr(), process: proc };
    }
    return { ok: true, status, stderr: proc.stderr() };
  } finally {
    if (!keep) await proc.cleanup();
  }

  /**
   * The failed verdict. QEMU exits on its own after a failed load, and may print its last
   * lines only then: wait up to `exitWaitMs` for it, so the stderr is complete.
   */
  async function fail(status: string, reason: string, exitWaitMs = 3000): Promise<LoadResult> {
    await Promise.race([proc.exited, sleep(exitWaitMs)]);
    const ex = proc.exitInfo();
    const suffix = ex ? ` (exit code ${ex.code}${ex.signal ? `, signal ${ex.signal}` : ""})` : "";
    return { ok: false, status, stderr: proc.stderr(), reason: reason + suffix, exit: ex };
  }
}

/**
 * After a kept load: `cont` the guest and confirm `query-status` reports it running.
 * @returns the run state QEMU reports (`running` when all is well).
 */
export async function resumeAndCheck(proc: QemuProcess): Promise<string> {
  await proc.qmp.execute("cont");
  const st = await proc.qmp.execute<{ status: string; running: boolean }>("query-status");
  return st.status;
}
