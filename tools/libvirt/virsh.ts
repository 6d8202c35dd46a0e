/**
 * Runs `virsh` against the system libvirt daemon (`qemu:///system`), which our tools and the
 * end-to-end test start themselves: there is no systemd in the CI container.
 */
import { execFileSync, spawnSync } from "node:child_process";

/** The connection every call uses: the root daemon, which runs QEMU as libvirt configures. */
export const LIBVIRT_URI = "qemu:///system";

/** What one `virsh` call returned. */
export interface VirshResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `virsh -c qemu:///system ARGS…` and returns its exit code and output. */
export function virsh(args: readonly string[]): VirshResult {
  const r = spawnSync("virsh", ["-c", LIBVIRT_URI, ...args], { encoding: "utf8" });
  if (r.error) throw new Error(`virsh ${args.join(" ")}: ${r.error.message} (install libvirt-clients)`);
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `virsh` and throws with its stderr when it fails. */
export function virshOk(args: readonly string[]): string {
  const r = virsh(args);
  if (r.code !== 0) throw new Error(`virsh ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** The libvirt version string (`virsh --version`), e.g. `9.0.0`. */
export function libvirtVersion(): string {
  return execFileSync("virsh", ["--version"], { encoding: "utf8" }).trim();
}
