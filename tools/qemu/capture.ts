/**
 * Capturing a migration stream from a real QEMU into a file.
 *
 * Why `exec:cat > FILE` and not `file:`: 7.2 has no `file:` transport (added in 8.2), and exec
 * works on every version we use. Why start paused (`-S`): capabilities and parameters must be
 * set before the guest runs so the whole run is under the same settings; then the guest runs
 * for `runMs` (firmware writes RAM, timers tick) and is stopped again, so the stream is a
 * consistent paused snapshot: START (block list), one PART with every page, END.
 *
 * Live mode skips the `stop` before `migrate`: the guest keeps dirtying pages, so RAM goes out
 * in several rounds. That is the only way to get XBZRLE records (a page is XBZRLE-encoded only
 * on its third send). `live.until` decides when enough rounds have happened; then the VM is
 * stopped and/or parameters raised so the migration can converge.
 */
import { statSync } from "node:fs";
import { type QemuBinary, qemuVersion } from "./binaries.js";
import { launchQemu } from "./launch.js";
import type { QmpClient } from "./qmp.js";

/** The subset of `query-migrate`'s reply we look at. */
export interface MigrateInfo {
  status?: string;
  "error-desc"?: string;
  ram?: Record<string, number>;
  "xbzrle-cache"?: Record<string, number>;
  "compression"?: Record<string, number>;
  [key: string]: unknown;
}

/** Settings for the live (no stop before migrate) mode. */
export interface LiveOptions {
  /** Checked on every `query-migrate` poll while the guest runs; true ends the live phase. */
  until: (info: MigrateInfo) => boolean;
  /** Stop the guest when `until` is reached (default true). */
  thenStop?: boolean;
  /** Parameters to set when `until` is reached (e.g. raise `max-bandwidth`). */
  thenParameters?: Record<string, unknown>;
  /** Give up if `until` is not reached in this time (default 60 s). */
  timeoutMs?: number;
}

/** What to capture. */
export interface CaptureOptions {
  binary: QemuBinary;
  /** Machine arguments, without `-S` (added here) and without the headless/QMP flags. */
  args: string[];
  /** Migration capabilities to switch on (or off) before the guest starts. */
  capabilities?: Record<string, boolean>;
  /** Migration parameters (`migrate-set-parameters`) to set before the guest starts. */
  parameters?: Record<string, unknown>;
  /** How long the guest runs before the snapshot (or before migrate, in live mode). */
  runMs: number;
  /** Output file (absolute path; it is put inside a shell command, so keep it simple). */
  file: string;
  /** Live mode (see module doc). */
  live?: LiveOptions;
  /**
   * Migrate to `file:` instead of `exec:cat >`: mapped-ram needs a seekable target, as it
   * writes each block's bitmap and pages at fixed offsets (wire-format.md §9.9).
   */
  fileUri?: boolean;
  /**
   * With `fileUri`: where in the file the stream starts (`file:…,offset=N`; QEMU keeps the
   * first N bytes), as libvirt's sparse save format puts it after its header.
   */
  fileOffset?: number;
  /** Overall timeout for the migration to complete (default 120 s). */
  timeoutMs?: number;
}

/** What happened. `steps` is a human-readable log of the QMP commands, for READMEs. */
export interface CaptureResult {
  file: string;
  bytes: number;
  version: string;
  /** Full argv (binary first) QEMU was started with. */
  argv: string[];
  steps: string[];
  final: MigrateInfo;
  stderr: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Single-quotes a path for /bin/sh. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Converts `{name: bool}` to QMP's capability list. */
export function capabilityList(caps: Record<string, boolean>): { capability: string; state: boolean }[] {
  return Object.entries(caps).map(([capability, state]) => ({ capability, state }));
}

/**
 * Polls `query-migrate` every `intervalMs` until `done(info)`, status `completed`, or failure.
 * @throws with QEMU's `error-desc` when the status becomes `failed` or `cancelled`.
 */
export async function pollMigrate(
  qmp: QmpClient,
  timeoutMs: number,
  done: (info: MigrateInfo) => boolean = () => false,
  intervalMs = 50,
): Promise<MigrateInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await qmp.execute<MigrateInfo>("query-migrate");
    if (info.status === "completed" || done(info)) return info;
    if (info.status === "failed" || info.status === "cancelled") {
      throw new Error(`migration ${info.status}: ${info["error-desc"] ?? "(no error-desc)"}`);
    }
    if (Date.now() > deadline) throw new Error(`migration not completed after ${timeoutMs} ms (status ${info.status})`);
    await sleep(intervalMs);
  }
}

/**
 * Runs a guest and migrates it into `file`.
 * @throws when QEMU fails to start, a QMP command fails, or the migration fails/times out;
 *   the message carries QEMU's stderr.
 */
export async function captureStream(opts: CaptureOptions): Promise<CaptureResult> {
  const steps: string[] = [];
  const proc = await launchQemu({ binary: opts.binary, args: [...opts.args, "-S"] });
  const run = async (cmd: string, args?: Record<string, unknown>) => {
    steps.push(args ? `${cmd} ${JSON.stringify(args)}` : cmd);
    return proc.qmp.execute(cmd, args);
  };
  try {
    steps.push("qmp_capabilities");
    if (opts.capabilities && Object.keys(opts.capabilities).length) {
      await run("migrate-set-capabilities", { capabilities: capabilityList(opts.capabilities) });
    }
    if (opts.parameters && Object.keys(opts.parameters).length) {
      await run("migrate-set-parameters", opts.parameters);
    }
    await run("cont");
    steps.push(`(guest runs ${opts.runMs} ms)`);
    await sleep(opts.runMs);
    if (!opts.live) await run("stop");
    await run("migrate", { uri: opts.fileUri ? `file:${opts.file}${opts.fileOffset ? `,offset=${opts.fileOffset}` : ""}` : `exec:cat > ${shellQuote(opts.file)}` });
    const timeoutMs = opts.timeoutMs ?? 120_000;
    let final: MigrateInfo;
    if (opts.live) {
      const live = opts.live;
      const info = await pollMigrate(proc.qmp, live.timeoutMs ?? 60_000, live.until);
      if (info.status === "completed") {
        // QEMU may converge on its own (its final stage still sends dirty pages, e.g. as
        // XBZRLE); that is fine as long as the condition holds on the final statistics.
        if (!live.until(info)) throw new Error("live migration completed before the live condition was reached");
        steps.push("poll query-migrate (it converged by itself and the live condition held on the final statistics)");
      } else {
        steps.push("poll query-migrate until the live condition holds");
        if (live.thenStop ?? true) await run("stop");
        if (live.thenParameters) await run("migrate-set-parameters", live.thenParameters);
      }
    }
    final = await pollMigrate(proc.qmp, timeoutMs);
    steps.push("poll query-migrate until status is completed");
    steps.push("quit");
    await proc.qmp.quit();
    await proc.exited;
    const bytes = statSync(opts.file).size;
    return {
      file: opts.file,
      bytes,
      version: qemuVersion(opts.binary),
      argv: proc.argv,
      steps,
      final,
      stderr: proc.stderr(),
    };
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(`capture of ${opts.file} failed: ${msg}\nQEMU stderr:\n${proc.stderr()}`);
  } finally {
    await proc.cleanup();
  }
}
