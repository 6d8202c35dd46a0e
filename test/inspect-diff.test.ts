/**
 * `vmstate-inspect diff` on real samples: a stream against itself has no differences; the
 * backward pair (QEMU 10.0 and 7.2, same command line) differs in exactly the registers the
 * two cpreg lists disagree on, plus the vmdesc's `configuration` key; one vCPU against four
 * shows the extra vCPU sections and the L2CTLR value that counts CPUs.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain, EXIT } from "@vmstate/cli";
import { formatRegId } from "@vmstate/arm";
import type { StreamDiff } from "@vmstate/inspect";
import { cpregsOf } from "../tools/samples/rewritten.js";
import { runMain } from "./support/cli.js";
import { memFs } from "./support/memfs.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const OLD = "aarch64-virt-7.2-a57.mig";
const NEW = "newer-aarch64-virt-7.2-a57.mig";
const path = (f: string) => join(SAMPLES_DIR, f);

async function diffJson(a: string, b: string): Promise<StreamDiff> {
  const run = await runMain(inspectMain, ["diff", "--json", path(a), path(b)]);
  expect(run.code, run.stderr).toBe(EXIT.OK);
  return JSON.parse(run.printed) as StreamDiff;
}

describe("diff", () => {
  it.each([OLD, "aarch64-virt-max-4cpu.mig", "x86_64-q35-seabios.mig", "aarch64-virt-no-vmdesc.mig"])("finds no differences between %s and itself", async (f) => {
    const run = await runMain(inspectMain, ["diff", "--exit-code", path(f), path(f)]);
    expect(run.code).toBe(EXIT.OK);
    expect(run.printed).toContain("no differences");
    const json = await diffJson(f, f);
    expect(json.identical).toBe(true);
    expect(json.devices).toEqual([]);
  });

  it("shows the backward pair's register differences, with names and values", async () => {
    const json = await diffJson(NEW, OLD);
    const a = (await cpregsOf(readSample(NEW))).get(0)!;
    const b = (await cpregsOf(readSample(OLD))).get(0)!;
    const onlyA = a.indexes.filter((id) => !b.indexes.includes(id)).map(formatRegId);
    const onlyB = b.indexes.filter((id) => !a.indexes.includes(id)).map(formatRegId);
    const cpu = json.devices.find((d) => d.section === "cpu (0)")!;
    expect(cpu.cpregs!.count_a).toBe(a.count);
    expect(cpu.cpregs!.count_b).toBe(b.count);
    expect(cpu.cpregs!.only_a.map((r) => r.id)).toEqual(onlyA);
    expect(cpu.cpregs!.only_b.map((r) => r.id)).toEqual(onlyB);
    expect(cpu.cpregs!.only_a.find((r) => r.id === "0x40200000200e0298")?.name).toBe("BOGUS_DBGDTR_EL0");
    const idDfr0 = cpu.cpregs!.values.find((v) => v.name === "ID_DFR0_EL1")!;
    expect(idDfr0.a).not.toBe(idDfr0.b);
    // Renamed fields with the same bytes (gt_timer[0] -> gt_timer[GTIMER_PHYS]) are not reported.
    expect(cpu.fields_only_a).toEqual([]);
    expect(json.header).toContainEqual({ what: "vmdesc_keys", a: "configuration, page_size, devices", b: "page_size, devices" });
    expect(json.sections.only_a).toEqual([]);
    expect(json.identical).toBe(false);
  });

  it("shows extra vCPU sections and the L2CTLR value that counts CPUs", async () => {
    const json = await diffJson("aarch64-virt-max-1cpu.mig", "aarch64-virt-max-4cpu.mig");
    expect(json.sections.only_b).toEqual(["cpu_common (1)", "cpu (1)", "cpu_common (2)", "cpu (2)", "cpu_common (3)", "cpu (3)"]);
    const cpu = json.devices.find((d) => d.section === "cpu (0)")!;
    expect(cpu.cpregs!.values.map((v) => v.name)).toContain("L2CTLR_EL1");
    expect(json.devices.find((d) => d.section === "arm_gic (0)")?.fields.length).toBeGreaterThan(0);
  });

  it("shows machine type, page size and RAM block differences", async () => {
    const json = await diffJson("aarch64-virt-2.6-1k-pages.mig", "aarch64-virt-uefi.mig");
    const what = json.header.map((h) => h.what);
    expect(what).toEqual(expect.arrayContaining(["machine", "page_size"]));
    expect(json.ram_blocks.find((r) => r.name === "mach-virt.ram")).toEqual({ name: "mach-virt.ram", a: "0x0000000002000000", b: "0x0000000008000000" });
  });

  it("exits 5 with --exit-code when the streams differ, and prints text within 80 columns", async () => {
    const run = await runMain(inspectMain, ["diff", "--exit-code", path(NEW), path(OLD)]);
    expect(run.code).toBe(EXIT.DIFFERENT);
    expect(run.printed).toMatch(/only in A \(17\):/);
    expect(run.printed).toMatch(/0x603000000013c00a ID_DFR0_EL1\s+A: 0x0000000003000006\s+B: 0x0000000003010006/);
    // Lines naming the files repeat the paths the user typed, which may be any length.
    expect(run.printed.split("\n").filter((l) => l.length > 80 && !l.includes(SAMPLES_DIR))).toEqual([]);
  });

  it("prints the diff of what decoded, then the damaged file's error (exit 1)", async () => {
    const bytes = readSample(OLD);
    const fs = memFs({ "/a.mig": bytes, "/b.mig": bytes.subarray(0, bytes.length - 3000) });
    const run = await runMain(inspectMain, ["diff", "/a.mig", "/b.mig"], { fs });
    expect(run.code).toBe(EXIT.BAD_STREAM);
    expect(run.printed).toContain("/b.mig: damaged or truncated");
    expect(run.stderr).toMatch(/\/b\.mig: .* at offset 0x[0-9a-f]+/);
  });
});
