/**
 * The job end to end with real libvirt: a `virsh save` image whose stream carries a newer
 * kernel's register (KVM_REG_ARM_VENDOR_HYP_BMAP_2, put in with `vmstate-rewrite --add`) is
 * refused by `virsh restore` as QEMU refuses it; after `vmstate-rewrite --hide --in-place` the
 * same file restores to a running guest. Needs root and libvirt (libvirt-daemon-system,
 * libvirt-clients): the daemons are started here, and the test fails, never skips, without them.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { prepareLibvirt } from "../tools/libvirt/daemons.js";
import { GUEST_NAME } from "../tools/libvirt/guest.js";
import { imagePath, readLibvirtImages, type LibvirtImageEntry } from "../tools/libvirt/images.js";
import { virsh, virshOk } from "../tools/libvirt/virsh.js";
import { equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";

const BMAP_2 = "0x6030000000160003";
const { images } = readLibvirtImages();
const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-libvirt-"));

/** Ends a guest a failed run may have left (every image holds the same domain name). */
function destroyGuest(): void {
  if (virsh(["domstate", GUEST_NAME]).code === 0) virsh(["destroy", GUEST_NAME]);
}

beforeAll(async () => {
  await prepareLibvirt();
  destroyGuest();
});
afterAll(() => {
  destroyGuest();
  rmSync(dir, { recursive: true, force: true });
});

/** The whole round for one image; formats run one after another (one domain name). */
async function refusedThenRestored(image: LibvirtImageEntry): Promise<void> {
  const file = join(dir, image.file);
  copyFileSync(imagePath(image.file), file);

  const added = await runMain(rewriteMain, ["--add", `${BMAP_2}=0`, "--in-place", "-i", file]);
  expect(added.code, added.stderr).toBe(0);
  expect(added.stderr).toContain(`added KVM_REG_ARM_VENDOR_HYP_BMAP_2 (${BMAP_2}) = 0x0`);
  const refused = virsh(["restore", file]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
  expect(virsh(["domstate", GUEST_NAME]).code, "no guest is left after the refused restore").not.toBe(0);

  const hidden = await runMain(rewriteMain, ["--hide", BMAP_2, "--in-place", "-i", file]);
  expect(hidden.code, hidden.stderr).toBe(0);
  expect(hidden.stderr).toContain(`hid KVM_REG_ARM_VENDOR_HYP_BMAP_2 (${BMAP_2}) = 0x0 [tolerated]`);
  virshOk(["restore", file]);
  try {
    expect(virshOk(["domstate", GUEST_NAME]).trim()).toBe("running");
  } finally {
    virshOk(["destroy", GUEST_NAME]);
  }
}

describe("virsh restore after vmstate-rewrite --in-place (real libvirt)", () => {
  it("raw: refused with the extra register, running after --hide, the file back to libvirt's bytes", async () => {
    const raw = images.find((i) => i.format === "raw")!;
    await refusedThenRestored(raw);
    expect(equalBytes(readFileSync(join(dir, raw.file)), readFileSync(imagePath(raw.file)))).toBe(true);
  });

  // Recompressing need not give libvirt's bytes back (compressor versions, levels), so for
  // these the proof is the restore itself.
  it.each(images.filter((i) => i.format !== "raw"))("$format: refused with the extra register, running after --hide", async (image) => {
    await refusedThenRestored(image);
  });
});
