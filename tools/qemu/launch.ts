/**
 * Starting and stopping one QEMU process with a QMP socket.
 *
 * Why the fixed flags: `-nographic -serial none -display none -monitor none` keeps QEMU off our
 * stdio (a test runner's terminal must not become the guest console), and QMP on a unix socket
 * in a private temp dir is the only control channel. `wait=off` lets QEMU start without a
 * client; we connect when the socket appears.
 *
 * Why `setpriv --pdeathsig KILL`: if the Node process dies (crashed test, Ctrl-C), the kernel
 * kills the QEMU child too, so nothing is left running. setpriv execs QEMU, so the PID we get is
 * QEMU's. Cleanup always kills by that PID, never by name.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type QemuBinary, qemuCommand, whichSync } from "./binaries.js";
import { QmpClient, withTimeout } from "./qmp.js";

/** How to start QEMU. */
export interface LaunchOptions {
  binary: QemuBinary;
  /** Machine arguments (after the binary's base args and our fixed flags). */
  args: string[];
  /** Working directory to use (default: a fresh temp dir, removed on cleanup). */
  dir?: string;
  /** How long to wait for the QMP socket and greeting (default 20 s). */
  startTimeoutMs?: number;
}

/** How the process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running QEMU. Always call `cleanup()` (in `finally`). */
export interface QemuProcess {
  pid: number;
  qmp: QmpClient;
  /** Temp dir holding the QMP socket; callers may put files there too. */
  dir: string;
  /** The full argv QEMU was started with (binary first, without the setpriv or chroot wrapper). */
  argv: string[];
  /** Everything QEMU wrote to stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<ExitInfo>;
  /** Non-null once the process has exited. */
  exitInfo(): ExitInfo | null;
  /** SIGKILL by PID (if still running) and wait for the exit. */
  kill(): Promise<void>;
  /** kill(), close QMP, remove the temp dir when we created it. */
  cleanup(): Promise<void>;
}

/** QEMU did not get as far as answering on QMP; `stderr` holds what it said. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exit: ExitInfo | null,
  ) {
    super(message);
    this.name = "LaunchError";
  }
}

/** The fixed flags every QEMU we start gets (the QMP socket flag is added separately). */
export const HEADLESS_ARGS = ["-nographic", "-serial", "none", "-display", "none", "-monitor", "none"] as const;

let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath === undefined) setprivPath = whichSync("setpriv") ?? null;
  return setprivPath;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Starts QEMU and connects QMP.
 * @throws when QEMU exits before its QMP socket answers; the message includes its stderr.
 */
export async function launchQemu(opts: LaunchOptions): Promise<QemuProcess> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "vmstate-qemu-"));
  const sock = join(dir, "qmp.sock");
  const command = qemuCommand(opts.binary, [...HEADLESS_ARGS, "-qmp", `unix:${sock},server=on,wait=off`, ...opts.args]);
  // What QEMU itself was given: without the chroot wrapper, which is ours, not QEMU's.
  const argv = command.slice(opts.binary.wrapper.length);
  const wrapper = setpriv();
  const [cmd, ...cmdArgs] = wrapper ? [wrapper, "--pdeathsig", "KILL", "--", ...command] : command;
  const child: ChildProcess = spawn(cmd!, cmdArgs, {
    cwd: dir,
    env: { ...process.env, ...opts.binary.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => (stderr += d));
  let exit: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    // "exit" can precede the last stderr bytes; wait briefly for the pipe to end. Not "close":
    // helpers QEMU spawns (the `cat` of an exec: URI) inherit stderr and may hold it open.
    const stderrEnded = new Promise<void>((r) => child.stderr?.once("end", () => r()) ?? r());
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      const done = exit;
      void Promise.race([stderrEnded, sleep(300)]).then(() => resolve(done));
    });
    child.once("error", (err) => {
      stderr += `spawn error: ${err.message}\n`;
      exit = { code: -1, signal: null };
      resolve(exit);
    });
  });
  const pid = child.pid ?? -1;

  const kill = async () => {
    if (exit === null && pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    await withTimeout(exited, 10_000, `QEMU pid ${pid} to exit`);
  };

  let qmp: QmpClient | undefined;
  const cleanup = async () => {
    qmp?.close();
    await kill();
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    qmp = await connectWhenReady(sock, () => exit, opts.startTimeoutMs ?? 20_000);
  } catch (err) {
    await cleanup();
    await sleep(0);
    throw new LaunchError(
      `QEMU failed to start (${argv.join(" ")}): ${(err as Error).message}\n${stderr}`.trim(),
      stderr,
      exit,
    );
  }
  const client = qmp;
  return {
    pid,
    qmp: client,
    dir,
    argv,
    stderr: () => stderr,
    exited,
    exitInfo: () => exit,
    kill,
    cleanup,
  };
}

/** Polls for the socket file and connects; gives up if QEMU exits or the deadline passes. */
async function connectWhenReady(sock: string, exitInfo: () => ExitInfo | null, timeoutMs: number): Promise<QmpClient> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    const ex = exitInfo();
    if (ex) throw new Error(`exited (code ${ex.code}, signal ${ex.signal})`);
    if (existsSync(sock)) {
      try {
        return await QmpClient.connect(sock, Math.max(1000, deadline - Date.now()));
      } catch (err) {
        lastErr = err;
      }
    }
    await sleep(20);
  }
  throw new Error(`no QMP socket after ${timeoutMs} ms${lastErr ? `: ${(lastErr as Error).message}` : ""}`);
}
