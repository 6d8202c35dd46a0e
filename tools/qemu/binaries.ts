/**
 * Where the QEMU binaries are.
 *
 * Two QEMU versions matter: Debian bookworm's 7.2 (installed system-wide, on PATH) and a newer
 * 10.x unpacked beside it by `tools/fetch-newer-qemu.sh` into `.cache/qemu-newer`. The newer
 * binary is not installed, so it needs help finding its data and modules:
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
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The QEMU flavours our tools and tests use. */
export type QemuKind = "aarch64" | "arm" | "x86_64" | "newer-aarch64" | "newer-arm";

/** Everything needed to start one QEMU flavour. */
export interface QemuBinary {
  kind: QemuKind;
  /** Absolute path of the executable. */
  path: string;
  /** Arguments that must precede any others (e.g. `-L` for the unpacked newer QEMU). */
  baseArgs: string[];
  /** Extra environment for the process. */
  env: Record<string, string>;
}

/** Repository root, from this file's location (tools/qemu/). */
export const repoRoot: string = fileURLToPath(new URL("../../", import.meta.url));

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
    return { kind, path, baseArgs: ["-L", join(root, "usr", "share", "qemu")], env };
  }
  const path = whichSync(SYSTEM_NAMES[kind]);
  return path ? { kind, path, baseArgs: [], env: {} } : undefined;
}

const versionCache = new Map<string, string>();

/** First line of `--version`, e.g. `QEMU emulator version 7.2.22 (Debian …)`. */
export function qemuVersion(bin: QemuBinary): string {
  const cached = versionCache.get(bin.path);
  if (cached) return cached;
  const out = execFileSync(bin.path, [...bin.baseArgs, "--version"], {
    env: { ...process.env, ...bin.env },
    encoding: "utf8",
  });
  const line = out.split("\n")[0]?.trim() ?? "";
  versionCache.set(bin.path, line);
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
  const kinds: QemuKind[] = ["aarch64", "arm", "x86_64", "newer-aarch64", "newer-arm"];
  return Object.fromEntries(kinds.map((k) => [k, qemuAvailability(k)])) as Record<QemuKind, Availability>;
}

/** Returns the binary or throws (with the reason) — for tools that cannot do without it. */
export function requireQemu(kind: QemuKind): QemuBinary {
  const a = qemuAvailability(kind);
  if (!a.binary || !a.available) throw new Error(a.reason ?? `${kind} QEMU unavailable`);
  return a.binary;
}
