/**
 * The three QEMU releases of the compatibility matrix, and which machine types each offers.
 *
 * Why a table of machine types rather than asking QEMU (`-M help`): the case list must be the
 * same on every run and readable in review; a release that lost a machine type would make the
 * capture fail loudly (QEMU refuses an unknown `-M`) instead of silently shrinking the matrix.
 * The lists hold only the types the matrix uses (checked against each release's `-M help`).
 */
import type { QemuKind } from "../qemu/binaries.js";

/** One QEMU release as the harness runs it. */
export interface Release {
  /** `major.minor`, as people name it ("7.2", "10.0", "11.1"). */
  name: string;
  /** The harness flavour that runs it (tools/qemu/binaries.ts). */
  kind: QemuKind;
  /** The machine types of the matrix this release has. */
  machines: readonly string[];
}

/** Debian bookworm's QEMU: no `virt-10.0`. */
export const QEMU_7_2: Release = { name: "7.2", kind: "aarch64", machines: ["virt-7.2", "virt-6.2"] };
/** bookworm-backports' QEMU, unpacked beside 7.2. */
export const QEMU_10_0: Release = { name: "10.0", kind: "newer-aarch64", machines: ["virt-7.2", "virt-6.2", "virt-10.0"] };
/** trixie-backports' QEMU, run in a trixie chroot. */
export const QEMU_11_1: Release = { name: "11.1", kind: "trixie-aarch64", machines: ["virt-7.2", "virt-6.2", "virt-10.0"] };

/** Every release of the matrix, oldest first. */
export const RELEASES: readonly Release[] = [QEMU_7_2, QEMU_10_0, QEMU_11_1];

/** The release called `name`; throws for an unknown one. */
export function releaseNamed(name: string): Release {
  const r = RELEASES.find((x) => x.name === name);
  if (!r) throw new Error(`unknown QEMU release ${name} (known: ${RELEASES.map((x) => x.name).join(", ")})`);
  return r;
}
