/**
 * Where the QEMU binaries are.
 *
 * Three QEMU versions matter: Debian bookworm's 7.2 (installed system-wide, on PATH), a newer
 * 10.x unpacked beside it by `tools/fetch-newer-qemu.sh` into `.cache/qemu-newer`, and 11.x
 * from trixie-backports in a Debian trixie chroot (`tools/fetch-qemu-trixie.sh`,
 * `.cache/qemu-trixie`; its binaries need trixie's C library). The 10.x binary is not
 * installed, so it needs help finding its data and modules:
 * - `-L <unpack>/usr/share/qemu`: its compiled-in data dir is `/usr/share/qemu`, which holds
 *   7.2's firmware/ROM files; `-L` puts the matching 10.x files first.
 * - `QEMU_MODULE_DIR`: its compiled-in module dir is 7.2's; 10.x must not dlopen 7.2 modules.
 * - `LD_LIBRARY_PATH` into the unpack dir: harmless when empty; the backports build links only
 *   against bookworm libraries that 7.2's dependencies already pull in (checked with ldd), but
 *   the fetch script unpacks any missing ones there.
 *
 * A test that needs a missing binary fails with the reason (`requireQemu`), never skips.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The QEMU flavours our tools and tests use: 7.2 (system), 10.x ("newer"), 11.x ("trixie"). */
export type QemuKind = "aarch64" | "arm" | "x86_64" | "newer-aarch64" | "newer-arm" | "trixie-aarch64" | "trixie-arm";

/** Every flavour, for reports. */
export const QEMU_KINDS: readonly QemuKind[] = ["aarch64", "arm", "x86_64", "newer-aarch64", "newer-arm", "trixie-aarch64", "trixie-arm"];

/** Everything needed to start one QEMU flavour. */
export interface QemuBinary {
  kind: QemuKind;
  /** Absolute path of the executable. */
  path: string;
  /** Arguments that must precede any others (e.g. `-L` for the unpacked newer QEMU). */
  baseArgs: string[];
  /** Extra environment for the process. */
  env: Record<string, string>;
  /** A command that runs `path` for us (the trixie chroot); empty to run it directly. */
  wrapper: string[];
}

/** The argv that starts `bin` with `args` (wrapper, binary, base args, then `args`). */
export function qemuCommand(bin: QemuBinary, args: readonly string[]): string[] {
  return [...bin.wrapper, bin.path, ...bin.baseArgs, ...args];
}

/** Repository root, from this file's location (tools/qemu/). */
export const repoRoot: string = fileURLToPath(new URL("../../", import.meta.url));

/** Root of the trixie chroot holding QEMU 11.x; override with `VMSTATE_TRIXIE_QEMU_DIR`. */
export function trixieQemuDir(): string {
  return process.env.VMSTATE_TRIXIE_QEMU_DIR ?? join(repoRoot, ".cache", "qemu-trixie");
}

/**
 * Runs a program inside the trixie chroot, in a private mount namespace of its own: there it
 * mounts /proc and /dev, and binds the temp dir and the repository at their own paths, so a
 * QMP socket, `exec:cat FILE` and a sample path mean the same file inside as outside. The
 * mounts vanish with the process; every command execs the next, so the PID is QEMU's.
 */
function chrootWrapper(root: string): string[] {
  const shared = [...new Set([tmpdir(), repoRoot.replace(/\/$/, "")])];
  const binds = shared.map((d) => `mkdir -p "$R${d}" && mount --rbind "${d}" "$R${d}"`).join(" && ");
  const script = `R="$1"; shift; mount -t proc proc "$R/proc" && mount --rbind /dev "$R/dev" && ${binds} && exec chroot "$R" "$@"`;
  return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", root];
}

/** Root of the unpacked newer QEMU; override with `VMSTATE_NEWER_QEMU_DIR`. */
export function newerQemuDir(): string {
  return process.env.VMSTATE_NEWER_QEMU_DIR ?? join(repoRoot, ".cache", "qemu-newer");
}

const SYSTEM_NAMES: Record<"aarch64" | "arm" | "x86_64", string> = {
  aarch64: "qemu-system-aarch64",
  arm: "qemu-system-arm",
  x86_64: "qemu-system-x86_64",
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `name` on PATH, like `which`. */
export function whichSync(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function multiarch(): string {
  const m = process.arch === "arm64" ? "aarch64" : process.arch === "x64" ? "x86_64" : process.arch;
  return `${m}-linux-gnu`;
}

/** Locates one flavour; `undefined` when it is not there. Does not run it. */
export function findQemu(kind: QemuKind): QemuBinary | undefined {
  if (kind === "newer-aarch64" || kind === "newer-arm") {
    const root = newerQemuDir();
    const path = join(root, "usr", "bin", kind === "newer-arm" ? "qemu-system-arm" : "qemu-system-aarch64");
    if (!isExecutable(path)) return undefined;
    const ma = multiarch();
    const libs = [join(root, "usr/lib", ma), join(root, "lib", ma), join(root, "usr/lib")].filter(existsSync);
    const env: Record<string, string> = { QEMU_MODULE_DIR: join(root, "usr/lib", ma, "qemu") };
    if (libs.length) {
      env.LD_LIBRARY_PATH = [...libs, ...(process.env.LD_LIBRARY_PATH ? [process.env.LD_LIBRARY_PATH] : [])].join(":");
    }
    return { kind, path, baseArgs: ["-L", join(root, "usr", "share", "qemu")], env, wrapper: [] };
  }
  if (kind === "trixie-aarch64" || kind === "trixie-arm") {
    const root = trixieQemuDir();
    const name = kind === "trixie-arm" ? "qemu-system-arm" : "qemu-system-aarch64";
    // The path is the one inside the chroot; it is checked from outside.
    if (!isExecutable(join(root, "usr", "bin", name))) return undefined;
    return { kind, path: `/usr/bin/${name}`, baseArgs: [], env: {}, wrapper: chrootWrapper(root) };
  }
  const path = whichSync(SYSTEM_NAMES[kind]);
  return path ? { kind, path, baseArgs: [], env: {}, wrapper: [] } : undefined;
}

const versionCache = new Map<string, string>();

/** First line of `--version`, e.g. `QEMU emulator version 7.2.22 (Debian …)`. */
export function qemuVersion(bin: QemuBinary): string {
  const cached = versionCache.get(bin.kind + bin.path);
  if (cached) return cached;
  const [cmd, ...args] = qemuCommand(bin, ["--version"]);
  const out = execFileSync(cmd!, args, {
    env: { ...process.env, ...bin.env },
    encoding: "utf8",
  });
  const line = out.split("\n")[0]?.trim() ?? "";
  versionCache.set(bin.kind + bin.path, line);
  return line;
}

/** `major.minor` parsed from the version line (e.g. `7.2`, `10.0`). */
export function qemuMajorMinor(bin: QemuBinary): string {
  const m = /version (\d+\.\d+)/.exec(qemuVersion(bin));
  return m?.[1] ?? "unknown";
}

/** Per-flavour availability, with the reason when unavailable. */
export interface Availability {
  available: boolean;
  binary?: QemuBinary;
  version?: string;
  reason?: string;
}

/** Reports whether a flavour is present and actually starts (`--version` succeeds). */
export function qemuAvailability(kind: QemuKind): Availability {
  const binary = findQemu(kind);
  if (!binary) {
    const hint = kind.startsWith("newer")
      ? `run tools/fetch-newer-qemu.sh (expected under ${newerQemuDir()})`
      : kind.startsWith("trixie")
        ? `run tools/fetch-qemu-trixie.sh as root (expected under ${trixieQemuDir()})`
        : `install Debian package ${kind === "x86_64" ? "qemu-system-x86" : "qemu-system-arm"}`;
    return { available: false, reason: `${kind} QEMU not found: ${hint}` };
  }
  try {
    return { available: true, binary, version: qemuVersion(binary) };
  } catch (err) {
    return { available: false, reason: `${binary.path} does not run: ${(err as Error).message}` };
  }
}

/** Availability of every flavour, for reports. */
export function allQemuAvailability(): Record<QemuKind, Availability> {
  return Object.fromEntries(QEMU_KINDS.map((k) => [k, qemuAvailability(k)])) as Record<QemuKind, Availability>;
}

/** Returns the binary or throws (with the reason) — for tools that cannot do without it. */
export function requireQemu(kind: QemuKind): QemuBinary {
  const a = qemuAvailability(kind);
  if (!a.binary || !a.available) throw new Error(a.reason ?? `${kind} QEMU unavailable`);
  return a.binary;
}
