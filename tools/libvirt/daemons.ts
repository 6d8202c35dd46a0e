/**
 * Starts libvirt's daemons by hand (`virtlogd -d`, `libvirtd -d`) when they are not running:
 * the CI container has no systemd to do it. Needs root and Debian's libvirt-daemon-system.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { applyQemuConf, CONTAINER_SETTINGS } from "./qemu-conf.js";
import { virsh } from "./virsh.js";

function running(name: string): boolean {
  return spawnSync("pgrep", ["-x", name]).status === 0;
}

/** Waits until libvirtd answers on its socket. */
async function waitForLibvirtd(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (virsh(["version"]).code === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`libvirtd does not answer: ${virsh(["version"]).stderr.trim()}`);
}

/** Starts virtlogd and libvirtd unless they run already, and waits until libvirtd answers. */
export async function startLibvirt(): Promise<void> {
  if (!running("virtlogd")) execFileSync("virtlogd", ["-d"]);
  if (!running("libvirtd")) execFileSync("libvirtd", ["-d"]);
  await waitForLibvirtd();
}

/** Stops libvirtd (it rereads qemu.conf only when it starts) and starts it again. */
export async function restartLibvirtd(): Promise<void> {
  const pid = spawnSync("pgrep", ["-x", "libvirtd"], { encoding: "utf8" }).stdout.trim();
  if (pid !== "") {
    process.kill(Number(pid), "SIGTERM");
    while (running("libvirtd")) await new Promise((r) => setTimeout(r, 100));
  }
  await startLibvirt();
}

/**
 * Makes libvirt ready to run our guests: the container settings in qemu.conf (libvirtd
 * restarted when they changed), both daemons running. For tests, which need no particular
 * save_image_format: restore reads the format from the image.
 */
export async function prepareLibvirt(): Promise<void> {
  if (applyQemuConf(CONTAINER_SETTINGS)) await restartLibvirtd();
  else await startLibvirt();
}
