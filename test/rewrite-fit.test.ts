/**
 * `vmstate-rewrite --fit DEST`: explain's fix applied in the same pass, proven with real QEMU.
 * QEMU 11.1's `-M virt-7.2 -cpu cortex-a57` sample, fitted to the 7.2 sample of the same
 * command line, loads in QEMU 7.2 and runs, from a file (found from its end) and from a pipe
 * (streamed) alike; what no rewrite can change is refused with exit 4 and nothing written.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT, rewriteMain } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { equalBytes } from "./support/decode.js";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { expectLoadsAndRuns } from "./support/runs.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-fit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (f: string) => join(SAMPLES_DIR, f);
const SRC = "v11-aarch64-virt-7.2-a57.mig";
const DEST = "aarch64-virt-7.2-a57.mig";

describe("vmstate-rewrite --fit", () => {
  it("makes QEMU 11.1's stream load and run in QEMU 7.2, the same from a file and from a pipe", async () => {
    const fromFile = join(dir, "fit-file.mig");
    const run = await runMain(rewriteMain, ["-i", path(SRC), "-o", fromFile, "--fit", path(DEST), "--dest-qemu", "7.2"]);
    expect(run.code, run.stderr).toBe(EXIT.OK);
    expect(run.stderr).toMatch(/^vmstate-rewrite: fit \S+ \(QEMU 7\.2 \(given with --dest-qemu\)\): the destination would refuse it as it is/);
    expect(run.stderr).toContain("dropped subsection cpu/wfxt-timer");
    expect(run.stderr).toContain("added ID_AA64ISAR0_EL1 (0x603000000013c030)");
    const piped = await runMain(rewriteMain, ["--fit", path(DEST), "--dest-qemu", "7.2"], { stdin: [readSample(SRC)] });
    expect(piped.code, piped.stderr).toBe(EXIT.OK);
    expect(equalBytes(piped.stdout, new Uint8Array(readFileSync(fromFile)))).toBe(true);
    await expectLoadsAndRuns(await loadLike(sampleEntry(DEST), fromFile, "aarch64", true));
  });

  it("changes nothing when the destination loads the stream as it is", async () => {
    const run = await runMain(rewriteMain, ["--fit", path(DEST)], { stdin: [readSample(DEST)] });
    expect(run.code, run.stderr).toBe(EXIT.OK);
    expect(run.stderr).toContain("the destination would load it as it is");
    expect(equalBytes(run.stdout, readSample(DEST))).toBe(true);
  });

  it("refuses (exit 4, nothing written) what no rewrite can change: vCPUs the destination does not have", async () => {
    const out = join(dir, "never.mig");
    const run = await runMain(rewriteMain, ["-i", path("aarch64-virt-max-4cpu.mig"), "-o", out, "--fit", path("aarch64-virt-max-1cpu.mig")]);
    expect(run.code).toBe(EXIT.REFUSED);
    expect(run.stderr).toMatch(/no rewrite can change that: section 'cpu_common' instance 1 does not exist on the destination/);
    expect(() => readFileSync(out)).toThrow();
  });

  it("takes no other change, and --dest-qemu only with it", async () => {
    const both = await runMain(rewriteMain, ["--fit", path(DEST), "--hide", "0x6030000000160003"], { stdin: [readSample(DEST)] });
    expect(both.code).toBe(EXIT.USAGE);
    const alone = await runMain(rewriteMain, ["--dest-qemu", "7.2"], { stdin: [readSample(DEST)] });
    expect(alone.code).toBe(EXIT.USAGE);
  });
});
