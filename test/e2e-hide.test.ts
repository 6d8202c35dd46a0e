/**
 * The job users came for, proven against real QEMU 7.2: a stream that carries a register
 * the destination lacks (inserted the way a newer kernel's QEMU writes it) is refused with
 * `Failed to load cpu:cpreg_vmstate_array_len`; `vmstate-rewrite --hide` turns it back into
 * exactly the bytes QEMU originally wrote, which load.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";

const VENDOR_HYP_BMAP_2 = 0x6030000000160003n;
const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-hide-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = [
  "aarch64-virt-max-1cpu.mig",
  "aarch64-virt-max-4cpu.mig",
  "arm-virt-a15.mig",
  "aarch64-virt-no-vmdesc.mig",
  "aarch64-virt-no-footer-no-config.mig",
];

describe.each(cases)("newer-kernel register in %s", (file) => {
  const sample = sampleEntry(file);
  const newer = join(dir, `newer-${file}`);
  const fixed = join(dir, `fixed-${file}`);

  it("is refused by QEMU 7.2 with Failed to load cpu:cpreg_vmstate_array_len", async () => {
    await simulateNewerSource(join(SAMPLES_DIR, file), newer, new Map([[VENDOR_HYP_BMAP_2, 0n]]));
    const r = await loadLike(sample, newer);
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
  });

  it("loads after vmstate-rewrite --hide, which gives back QEMU's original bytes", async () => {
    const run = await runMain(rewriteMain, ["-i", newer, "-o", fixed, "--hide", "0x6030000000160003"]);
    expect(run.stderr).toContain("hid KVM_REG_ARM_VENDOR_HYP_BMAP_2 (0x6030000000160003) = 0x0 [tolerated]");
    expect(run.stderr.match(/: hid /g)?.length).toBe(sample.flags.vcpus);
    expect(run.code).toBe(0);
    expect(equalBytes(new Uint8Array(readFileSync(fixed)), readSample(file))).toBe(true);
    const r = await loadLike(sample, fixed);
    expect(r.reason ?? "", r.stderr).toBe("");
    expect(r.ok).toBe(true);
  });
});
