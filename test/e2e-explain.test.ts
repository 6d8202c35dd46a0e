/**
 * `vmstate-inspect explain` checked against real QEMU 7.2, 10.0 and 11.1: for each case the
 * predicted error lines are exactly what QEMU prints when it loads the stream, and the
 * proposed `vmstate-rewrite` command, run as proposed, produces a stream QEMU loads and runs.
 *
 * Cases: the backward pair (QEMU 10.0 stream, 7.2 destination: field 13, unknown ids, ID
 * registers), a 1-vCPU stream into a 4-vCPU destination (L2CTLR counts CPUs), and the
 * reverse, which no register rewrite can fix (vCPUs 1-3 do not exist there); and two 7.2
 * streams into QEMU 10.0 destinations, whose lines are worded as 7.2's (machine type, and
 * the forward migration's post_load); and a 10.0 stream into QEMU 11.1. Each destination is the QEMU that saved its sample,
 * with that sample's arguments (samples/manifest.json). Needs both QEMUs (the harness
 * throws when one is missing, so this fails rather than skips).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain, VERDICT_EXIT } from "@vmstate/cli";
import type { Explanation } from "@vmstate/destination";
import { refusalLines } from "../tools/compat/qemu-lines.js";
import { runMain } from "./support/cli.js";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { SAMPLES_DIR } from "./support/samples.js";
import { expectLoadsAndRuns } from "./support/runs.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-explain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function explain(src: string, dest: string): Promise<Explanation> {
  const run = await runMain(inspectMain, ["explain", "--json", src, "--dest", dest]);
  const e = JSON.parse(run.printed) as Explanation;
  expect(run.code, run.stderr).toBe(VERDICT_EXIT[e.verdict]);
  return e;
}

const fixable = [
  { name: "10.0 stream into QEMU 7.2 (backward pair)", src: "newer-aarch64-virt-7.2-a57.mig", dest: "aarch64-virt-7.2-a57.mig" },
  { name: "1 vCPU stream into a 4 vCPU destination", src: "aarch64-virt-max-1cpu.mig", dest: "aarch64-virt-max-4cpu.mig" },
  // 11.1 lets the bogus AArch32 DBGDTR id QEMU 8.1-10.0 wrote pass without a word, under TCG too.
  { name: "10.0 stream into QEMU 11.1 virt-7.2 (forward, two releases)", src: "newer-aarch64-virt-7.2-a57.mig", dest: "v11-aarch64-virt-7.2-a57.mig" },
];
const unfixable = [{ name: "4 vCPU stream into a 1 vCPU destination", src: "aarch64-virt-max-4cpu.mig", dest: "aarch64-virt-max-1cpu.mig" }];
const intoNewer = [
  { name: "7.2 stream into QEMU 10.0 virt-10.0 (machine type)", src: "aarch64-virt-max-4cpu.mig", dest: "newer-aarch64-virt-max.mig" },
  { name: "7.2 stream into QEMU 10.0 virt-7.2 (forward migration)", src: "aarch64-virt-7.2-a57.mig", dest: "newer-aarch64-virt-7.2-a57.mig" },
];

describe.each([...fixable, ...unfixable, ...intoNewer])("explain, then QEMU: $name", ({ src, dest }) => {
  it("predicts exactly the lines QEMU prints", async () => {
    const e = await explain(join(SAMPLES_DIR, src), join(SAMPLES_DIR, dest));
    expect(e.verdict).toBe("refuses");
    const r = await loadLike(sampleEntry(dest), join(SAMPLES_DIR, src));
    expect(r.ok).toBe(false);
    expect(refusalLines(r.stderr)).toEqual(e.predicted_error!.split("\n"));
  });
});

describe.each(fixable)("explain's rewrite, then QEMU: $name", ({ src, dest }) => {
  it("is a command that makes QEMU load and run the stream", async () => {
    const e = await explain(join(SAMPLES_DIR, src), join(SAMPLES_DIR, dest));
    expect(e.fix).not.toBeNull();
    const fixed = join(dir, `fixed-${src}`);
    const rewrite = await runMain(rewriteMain, ["-i", join(SAMPLES_DIR, src), "-o", fixed, ...e.fix!.argv]);
    expect(rewrite.code, rewrite.stderr).toBe(0);
    const again = await explain(fixed, join(SAMPLES_DIR, dest));
    expect(again.verdict).toBe("loads");
    expect(again.fix).toBeNull();
    await expectLoadsAndRuns(await loadLike(sampleEntry(dest), fixed, undefined, true));
  });
});

describe.each(unfixable)("explain's rewrite: $name", ({ src, dest }) => {
  it("is not proposed: no register rewrite adds vCPUs", async () => {
    expect((await explain(join(SAMPLES_DIR, src), join(SAMPLES_DIR, dest))).fix).toBeNull();
  });
});

describe("explain, then QEMU: writable registers the stream lacks", () => {
  it("loads in QEMU 7.2 as predicted, with a warning that the guest finds 0 there", async () => {
    const dest = "aarch64-virt-max-1cpu.mig";
    const src = join(dir, "without-pmu-counters.mig");
    const hide = await runMain(rewriteMain, ["-i", join(SAMPLES_DIR, dest), "-o", src, "--hide", "PMCR_EL0,PMCCNTR_EL0"]);
    expect(hide.code, hide.stderr).toBe(0);
    const e = await explain(src, join(SAMPLES_DIR, dest));
    expect(e.verdict).toBe("loads");
    expect(e.problems.map((p) => [p.kind, p.severity, p.ids])).toEqual([["cpreg-absent", "warning", ["0x603000000013dce0", "0x603000000013dce8"]]]);
    await expectLoadsAndRuns(await loadLike(sampleEntry(dest), src, undefined, true));
  });
});
