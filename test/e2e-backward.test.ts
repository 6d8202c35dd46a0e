/**
 * A real backward migration: QEMU 10.0 saved `-M virt-7.2 -cpu cortex-a57`; QEMU 7.2 refuses
 * it (its cpreg list is shorter, and read-only ID registers hold other values). The fix is
 * derived here from the two real streams: hide what 7.2 lacks, set the ID registers to 7.2's
 * values (tools/samples/rewritten.ts). Then 7.2 loads the rewritten stream, from a file and
 * live, with vmstate-rewrite as a filter inside a running migration between the two QEMUs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { formatRegId } from "@vmstate/arm";
import { backwardFix } from "../tools/samples/rewritten.js";
import { requireQemu } from "../tools/qemu/binaries.js";
import { launchQemu } from "../tools/qemu/launch.js";
import { loadStream, resumeAndCheck } from "../tools/qemu/load.js";
import { pollMigrate, shellQuote } from "../tools/qemu/capture.js";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { runMain } from "./support/cli.js";
import { expectLoadsAndRuns } from "./support/runs.js";

const OLD = "aarch64-virt-7.2-a57.mig";
const NEW = "newer-aarch64-virt-7.2-a57.mig";
const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-backward-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** vmstate-rewrite arguments that make NEW's cpu list acceptable to the QEMU that wrote OLD. */
async function backwardFixArgs(): Promise<string[]> {
  const { hide, set } = await backwardFix(readSample(NEW), readSample(OLD));
  return [
    ...(hide.length ? ["--hide", hide.map(formatRegId).join(",")] : []),
    ...[...set].flatMap(([id, v]) => ["--set", `${formatRegId(id)}=${formatRegId(v)}`]),
  ];
}

describe("backward migration 10.0 -> 7.2 (virt-7.2, cortex-a57)", () => {
  const oldSample = sampleEntry(OLD);
  let fix: string[];

  beforeAll(async () => {
    fix = await backwardFixArgs();
  });

  it("needs registers hidden and ID registers set", () => {
    expect(fix).toContain("--hide");
    expect(fix).toContain("--set");
  });

  it("is refused by QEMU 7.2 as saved", async () => {
    const r = await loadLike(oldSample, join(SAMPLES_DIR, NEW));
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
  });

  it("loads in QEMU 7.2 after --hide and --set", async () => {
    const fixed = join(dir, "fixed.mig");
    const run = await runMain(rewriteMain, ["-i", join(SAMPLES_DIR, NEW), "-o", fixed, ...fix]);
    expect(run.code, run.stderr).toBe(0);
    await expectLoadsAndRuns(await loadLike(oldSample, fixed, "aarch64", true));
  });

  it("migrates live from a running QEMU 10.0 into QEMU 7.2 through vmstate-rewrite", async () => {
    const fifo = join(dir, "live.fifo");
    execFileSync("mkfifo", [fifo]);
    const cli = resolve(import.meta.dirname, "../packages/cli/bin/vmstate-rewrite.cjs");
    const filter = [process.execPath, cli, ...fix].map(shellQuote).join(" ");
    // The destination waits on the FIFO; RAM must stream through the filter while the
    // source is still sending, or the source's `cat > FIFO` would block for ever.
    const destination = loadStream({
      binary: requireQemu("aarch64"),
      args: oldSample.args,
      incomingUri: `exec:cat ${shellQuote(fifo)} | ${filter}`,
      keep: true,
    });
    const source = await launchQemu({ binary: requireQemu("newer-aarch64"), args: oldSample.args });
    try {
      await source.qmp.execute("migrate", { uri: `exec:cat > ${shellQuote(fifo)}` });
      await pollMigrate(source.qmp, 120_000);
      const r = await destination;
      try {
        expect(r.reason ?? "", r.stderr).toBe("");
        expect(await resumeAndCheck(r.process!)).toBe("running");
      } finally {
        await r.process?.cleanup();
      }
    } finally {
      await source.cleanup();
    }
  });
});
