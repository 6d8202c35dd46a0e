/**
 * Runs Debian trixie's libvirt 11 (tools/fetch-libvirt-trixie.sh) inside the trixie chroot,
 * beside the system's libvirt 9.0 and without disturbing it: the daemons live in a private
 * mount namespace with their own /run (the host's libvirt keeps its sockets and pid files), and
 * they run under other names (`libvirtd-trixie`, `virtlogd-trixie`) so the host's tools never
 * take them for its own. The namespace also holds /proc, /dev, /sys and the temp directory at
 * its own path (a save file named inside is the same file outside); all of it vanishes when the
 * last process in it ends, whatever happened.
 *
 * virtlogd runs in the foreground as the namespace's first process (its PID is the handle);
 * libvirtd daemonizes beside it. `virsh` reaches them with `nsenter` into that namespace and
 * root.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trixieQemuDir } from "../qemu/binaries.js";
import { GUEST_NAME } from "./guest.js";
import { applyQemuConf, CONTAINER_SETTINGS } from "./qemu-conf.js";
import { libvirtVersion, virsh, virshOk, type VirshResult } from "./virsh.js";

const LIBVIRTD = "libvirtd-trixie";
const VIRTLOGD = "virtlogd-trixie";

/**
 * qemu.conf in the chroot: the container settings, QEMU as root (the chroot's libvirt-qemu user
 * would need the host files' ownership changed for it) and no security driver (a test guest in
 * a chroot needs no confinement, and no AppArmor profile covers the chroot's paths).
 */
const CHROOT_SETTINGS: Readonly<Record<string, string>> = {
  ...CONTAINER_SETTINGS,
  user: '"root"',
  group: '"root"',
  security_driver: '"none"',
};

/** libvirt 11 running in the chroot. */
export interface TrixieLibvirt {
  /** The chroot's root directory, as seen from outside. */
  root: string;
  /** `libvirtd`'s version (`virsh --version` in the chroot), e.g. `11.3.0`. */
  version: string;
  virsh(args: readonly string[]): VirshResult;
  virshOk(args: readonly string[]): string;
  /** The QEMU guest log of our guest, as the chroot's virtlogd wrote it. */
  guestLog(): string;
  /** Ends our guest if it runs, then both daemons; the namespace and its mounts go with them. */
  stop(): Promise<void>;
}

function pidsOf(name: string): number[] {
  const out = spawnSync("pgrep", ["-x", name], { encoding: "utf8" }).stdout;
  return out.split("\n").filter((l) => l !== "").map(Number);
}

/** Running: a zombie (ended, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

async function waitUntil(what: string, done: () => boolean, tenths = 100): Promise<void> {
  for (let i = 0; i < tenths; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`libvirt in the trixie chroot: ${what} did not happen within ${tenths / 10} s`);
}

/**
 * SIGTERM, then SIGKILL if it is still there after 30 s: on two busy cores (a full test run)
 * libvirtd has taken more than 10 s to shut down, and a daemon slow to go is no failure of
 * what was tested, while one left running would be.
 */
async function terminate(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  try {
    await waitUntil(`process ${pid} ending`, () => !alive(pid), 300);
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      return;
    }
    await waitUntil(`process ${pid} ending after SIGKILL`, () => !alive(pid));
  }
}

/** The command that runs a program in the namespace and chroot of `holder`. */
const inside = (holder: number): string[] => ["nsenter", "-t", String(holder), "-m", "-r", "-w"];

/** Stops daemons an interrupted earlier run left (they carry our names, so they are ours). */
async function stopLeftovers(): Promise<void> {
  for (const pid of pidsOf(VIRTLOGD)) {
    const via = inside(pid);
    if (virsh(["domstate", GUEST_NAME], via).code === 0) virsh(["destroy", GUEST_NAME], via);
  }
  for (const pid of pidsOf(LIBVIRTD)) await terminate(pid);
  for (const pid of pidsOf(VIRTLOGD)) await terminate(pid);
}

/**
 * Starts libvirt 11 in the trixie chroot and waits until it answers. Fails with what to run
 * when tools/fetch-qemu-trixie.sh or tools/fetch-libvirt-trixie.sh has not been run.
 */
export async function startTrixieLibvirt(): Promise<TrixieLibvirt> {
  const root = trixieQemuDir();
  if (!existsSync(join(root, "usr/local/sbin", LIBVIRTD))) {
    throw new Error(`no libvirt in the trixie chroot ${root}: run tools/fetch-qemu-trixie.sh, then tools/fetch-libvirt-trixie.sh (root)`);
  }
  await stopLeftovers();
  applyQemuConf(CHROOT_SETTINGS, join(root, "etc/libvirt/qemu.conf"));
  const tmp = tmpdir();
  const script = [
    `R="$1"`,
    `mount -t proc proc "$R/proc"`,
    `mount --rbind /dev "$R/dev"`,
    `mount --rbind /sys "$R/sys"`,
    `mount -t tmpfs tmpfs "$R/run"`,
    `mkdir -p "$R${tmp}"`,
    `mount --rbind "${tmp}" "$R${tmp}"`,
    `exec chroot "$R" sh -c '/usr/local/sbin/${LIBVIRTD} -d && exec /usr/local/sbin/${VIRTLOGD}'`,
  ].join(" && ");
  const child = spawn("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh", root], { detached: true, stdio: "ignore" });
  child.unref();
  const holder = child.pid;
  if (holder === undefined) throw new Error("could not start unshare (util-linux) for the trixie chroot's libvirt");
  const via = inside(holder);
  const answers = (): boolean => alive(holder) && virsh(["version"], via).code === 0;
  try {
    await waitUntil("libvirtd answering", answers);
  } catch (e) {
    const why = alive(holder) ? virsh(["version"], via).stderr.trim() : "the daemons exited";
    await terminate(holder);
    throw new Error(`${(e as Error).message}: ${why}`);
  }
  const daemonPid = (name: string): number => Number(readFileSync(`/proc/${holder}/root/run/${name}.pid`, "utf8").trim());
  return {
    root,
    version: libvirtVersion(via),
    virsh: (args) => virsh(args, via),
    virshOk: (args) => virshOk(args, via),
    guestLog: () => readFileSync(join(root, "var/log/libvirt/qemu", `${GUEST_NAME}.log`), "utf8"),
    async stop() {
      if (!alive(holder)) return;
      if (virsh(["domstate", GUEST_NAME], via).code === 0) virsh(["destroy", GUEST_NAME], via);
      await terminate(daemonPid("libvirtd"));
      await terminate(holder);
    },
  };
}
