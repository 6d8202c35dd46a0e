/**
 * A saved guest fixed the fast way loads in real QEMU 7.2: `--in-place --hide` rewrites only
 * the device state at the end of a stream that carries a newer kernel's register (made as in
 * test/e2e-hide.test.ts), in the same inode, giving back QEMU's original bytes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-in-place-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(["aarch64-virt-max-4cpu.mig", "aarch64-virt-uefi.mig"])("--in-place --hide on a newer-kernel %s", (file) => {
  it("rewrites only the end, and QEMU 7.2 loads the result", async () => {
    const sample = sampleEntry(file);
    const vm = join(dir, file);
    await simulateNewerSource(join(SAMPLES_DIR, file), vm, new Map([[0x6030000000160003n, 0n]]));
    const refused = await loadLike(sample, vm);
    expect(refused.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    const ino = statSync(vm).ino;
    const run = await runMain(rewriteMain, ["-i", vm, "--in-place", "--hide", "0x6030000000160003", "--verbose"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/device state found from the end at offset 0x[0-9a-f]+; RAM not read/);
    expect(statSync(vm).ino).toBe(ino);
    expect(equalBytes(new Uint8Array(readFileSync(vm)), readSample(file))).toBe(true);
    const r = await loadLike(sample, vm);
    expect(r.reason ?? "", r.stderr).toBe("");
    expect(r.ok).toBe(true);
  });
});
