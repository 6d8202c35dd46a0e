/**
 * Proof that `extract-ram` rebuilds guest memory exactly: boot the UEFI sample's configuration
 * in QEMU 7.2, stop it, save guest RAM with QEMU's own `pmemsave` and migrate the same stopped
 * guest to a file; `extract-ram`'s `mach-virt.ram` must equal the pmemsave file byte for byte.
 * QEMU missing is a failure with the reason, never a skip.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { requireQemu } from "../tools/qemu/binaries.js";
import { pollMigrate, shellQuote } from "../tools/qemu/capture.js";
import { launchQemu } from "../tools/qemu/launch.js";
import { runMain } from "./support/cli.js";
import { sampleEntry } from "./support/manifest.js";


/** Where `virt` maps `mach-virt.ram` (hw/arm/virt.c: VIRT_MEM). */
const RAM_BASE = 0x40000000;
/** Long enough for EDK2 to fill RAM with real content (tables, heap, its own copy). */
const RUN_MS = 600;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("extract-ram against pmemsave", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-pmemsave-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives mach-virt.ram exactly as QEMU's pmemsave writes it", async () => {
    const binary = requireQemu("aarch64"); // throws, with how to install it, when QEMU is missing
    const sample = sampleEntry("aarch64-virt-uefi.mig");
    const ramBytes = sample.ramBlocks.find((b) => b.name === "mach-virt.ram")!.bytes;
    const stream = join(dir, "uefi.mig");
    const pmem = join(dir, "ram.pmem");
    const proc = await launchQemu({ binary, args: [...sample.args, "-S"] });
    try {
      await proc.qmp.execute("cont");
      await sleep(RUN_MS);
      await proc.qmp.execute("stop");
      await proc.qmp.execute("pmemsave", { val: RAM_BASE, size: ramBytes, filename: pmem });
      await proc.qmp.execute("migrate", { uri: `exec:cat > ${shellQuote(stream)}` });
      await pollMigrate(proc.qmp, 120_000);
      await proc.qmp.quit();
    } finally {
      await proc.cleanup();
    }

    const r = await runMain(inspectMain, ["extract-ram", stream, join(dir, "out"), "--block", "mach-virt.ram"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const extracted = readFileSync(join(dir, "out", "mach-virt.ram.bin"));
    const saved = readFileSync(pmem);
    expect(saved.length).toBe(ramBytes);
    expect(extracted.length).toBe(ramBytes);
    // The guest really ran: a good share of RAM is not zero.
    const nonZeroPages = Array.from({ length: ramBytes / 4096 }, (_, i) => saved.subarray(i * 4096, (i + 1) * 4096).some((b) => b !== 0)).filter(Boolean).length;
    expect(nonZeroPages).toBeGreaterThan(32);
    if (Buffer.compare(extracted, saved) !== 0) {
      const i = extracted.findIndex((b, k) => b !== saved[k]);
      expect.fail(`extract-ram differs from pmemsave first at offset 0x${i.toString(16)}`);
    }
  }, 180_000);
});
