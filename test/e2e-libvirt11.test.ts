/**
 * The job end to end with real libvirt 11 (Debian trixie's, in the trixie chroot beside the
 * system's 9.0: tools/fetch-libvirt-trixie.sh, tools/libvirt/trixie-daemons.ts) on the images it
 * wrote in the formats 9.0 lacks. The zstd image with a newer kernel's register put in
 * (KVM_REG_ARM_VENDOR_HYP_BMAP_2, `vmstate-rewrite --add`) is refused by `virsh restore` as
 * QEMU 11.1 refuses it; after `vmstate-rewrite --hide --in-place` the same file restores to a
 * running guest. The sparse image, as committed (a tar archive, expanded), restores as it is:
 * the packing kept what libvirt wrote; with the register added in place (its mapped-ram page
 * areas untouched, its holes kept) it is refused, and after `--hide --in-place` it is libvirt's
 * bytes again and restores to running. Needs root; fails, never skips, without the chroot's
 * libvirt.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { GUEST_NAME } from "../tools/libvirt/guest.js";
import { imagePath, readLibvirtImages } from "../tools/libvirt/images.js";
import { startTrixieLibvirt, type TrixieLibvirt } from "../tools/libvirt/trixie-daemons.js";
import { expandedSample } from "./support/packed-samples.js";
import { runMain } from "./support/cli.js";
import { allocated, firstDifference, sparseCopy } from "./support/sparse-files.js";

const BMAP_2 = "0x6030000000160003";
const { libvirt11 } = readLibvirtImages();
// In the temp directory: the chroot's libvirt sees it at the same path.
const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-libvirt11-"));
let libvirt: TrixieLibvirt;

beforeAll(async () => {
  libvirt = await startTrixieLibvirt();
});
afterAll(async () => {
  await libvirt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Restores `file` and checks the guest runs; the guest is ended either way. */
function restoresToRunning(file: string): void {
  libvirt.virshOk(["restore", file]);
  try {
    expect(libvirt.virshOk(["domstate", GUEST_NAME]).trim()).toBe("running");
  } finally {
    libvirt.virshOk(["destroy", GUEST_NAME]);
  }
}

/**
 * Adds KVM_REG_ARM_VENDOR_HYP_BMAP_2 in place and shows libvirt 11's QEMU refusing the image,
 * with no guest left behind; then hides it again in place.
 */
async function refusedWithExtraThenHidden(file: string): Promise<void> {
  const added = await runMain(rewriteMain, ["--add", `${BMAP_2}=0`, "--in-place", "-i", file]);
  expect(added.code, added.stderr).toBe(0);
  const refused = libvirt.virsh(["restore", file]);
  expect(refused.code).not.toBe(0);
  // QEMU 11.1 checks the register list in the cpu's post_load, not on the array's length as 7.2 does.
  expect(refused.stderr).toContain("error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu");
  expect(libvirt.virsh(["domstate", GUEST_NAME]).code, "no guest is left after the refused restore").not.toBe(0);

  const hidden = await runMain(rewriteMain, ["--hide", BMAP_2, "--in-place", "-i", file]);
  expect(hidden.code, hidden.stderr).toBe(0);
  expect(hidden.stderr).toContain(`hid KVM_REG_ARM_VENDOR_HYP_BMAP_2 (${BMAP_2}) = 0x0 [tolerated]`);
}

// One domain name in every image: the restores run one after another.
describe.sequential("virsh restore with libvirt 11", () => {
  it("zstd: refused with the extra register, running after vmstate-rewrite --hide --in-place", async () => {
    const image = libvirt11.images.find((i) => i.format === "zstd")!;
    const file = join(dir, image.file);
    copyFileSync(imagePath(image.file), file);

    await refusedWithExtraThenHidden(file);
    restoresToRunning(file);
  });

  it("sparse: the committed archive, expanded, restores to running", () => {
    const image = libvirt11.images.find((i) => i.format === "sparse")!;
    const file = join(dir, image.file);
    execFileSync("cp", ["--sparse=always", expandedSample(`libvirt/${image.file}`), file]);
    restoresToRunning(file);
  });

  it("sparse: refused with the extra register, running after --hide --in-place, libvirt's bytes and holes again", async () => {
    const image = libvirt11.images.find((i) => i.format === "sparse")!;
    const original = expandedSample(`libvirt/${image.file}`);
    const file = sparseCopy(original, join(dir, `edited-${image.file}`));
    const blocks = allocated(file);
    await refusedWithExtraThenHidden(file);
    expect(firstDifference(original, file)).toBe(-1);
    expect(allocated(file)).toBeLessThanOrEqual(blocks + 64);
    restoresToRunning(file);
  });
});
