/**
 * QEMU 11.1 streams saved without a vmdesc (`suppress-vmdesc=on`), read with the built-in
 * `cpu` schema alone: `vmstate-inspect` lists the same registers as for the twin saved with a
 * vmdesc, and `vmstate-rewrite --hide` takes out a register a newer source added, giving back
 * the bytes 11.1 wrote, which 11.1 loads again. Needs QEMU 11.1 (tools/fetch-qemu-trixie.sh).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain, VERDICT_EXIT } from "@vmstate/cli";
import type { Explanation } from "@vmstate/destination";
import type { CpuRegisterList } from "@vmstate/inspect";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { runMain } from "./support/cli.js";
import { refusalLines } from "../tools/compat/qemu-lines.js";
import { equalBytes } from "./support/decode.js";
import { loadLike, sampleEntry } from "./support/manifest.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const VENDOR_HYP_BMAP_2 = 0x6030000000160003n;
const dir = mkdtempSync(join(tmpdir(), "vmstate-v11-no-vmdesc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cpregs(file: string): Promise<CpuRegisterList[]> {
  const r = await runMain(inspectMain, ["cpregs", "--json", file]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.printed) as { cpus: CpuRegisterList[] }).cpus;
}

describe.each(["v11-aarch64-virt-max-no-vmdesc.mig", "v11-aarch64-virt-7.2-a57-no-vmdesc.mig"])("%s", (file) => {
  const sample = sampleEntry(file);
  const path = join(SAMPLES_DIR, file);
  const newer = join(dir, `newer-${file}`);
  const fixed = join(dir, `fixed-${file}`);

  it("lists the registers of its twin saved with a vmdesc", async () => {
    const ids = (lists: CpuRegisterList[]) => lists.map((l) => l.registers.map((r) => `${r.id} ${r.name}`));
    const mine = await cpregs(path);
    expect(mine.length).toBe(sample.flags.vcpus);
    expect(ids(mine)).toEqual(ids(await cpregs(join(SAMPLES_DIR, file.replace("-no-vmdesc", "")))));
  });

  it("loses an added register to vmstate-rewrite --hide: 11.1 refuses it before, loads the bytes it wrote after", async () => {
    await simulateNewerSource(path, newer, new Map([[VENDOR_HYP_BMAP_2, 0n]]));
    const refused = await loadLike(sample, newer);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain("in the incoming stream but unknown on the destination");
    // 11.1 tolerates the register at 0 only for KVM -cpu host: explain, told the destination is
    // this TCG guest, must predict the refusal word for word, not "loads".
    const e = await runMain(inspectMain, ["explain", "--json", newer, "--dest", path, "--dest-qemu", "11.1"]);
    const explained = JSON.parse(e.printed) as Explanation;
    expect(e.code, e.stderr).toBe(VERDICT_EXIT.refuses);
    expect(explained.verdict).toBe("refuses");
    expect(refusalLines(refused.stderr)).toEqual(explained.predicted_error!.split("\n"));

    const run = await runMain(rewriteMain, ["-i", newer, "-o", fixed, "--hide", "KVM_REG_ARM_VENDOR_HYP_BMAP_2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("cpu (0): hid KVM_REG_ARM_VENDOR_HYP_BMAP_2 (0x6030000000160003) = 0x0 [tolerated]");
    expect(equalBytes(new Uint8Array(readFileSync(fixed)), readSample(file))).toBe(true);
    const r = await loadLike(sample, fixed);
    expect(r.reason ?? "", r.stderr).toBe("");
    expect(r.ok).toBe(true);
  });
});
