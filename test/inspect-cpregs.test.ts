/**
 * `vmstate-inspect cpregs` on real samples: one entry per Arm vCPU, every register of the
 * stream's list in stream order, printable ids/values, names from the arm tables; x86
 * refused with exit 4; a truncated stream prints what decoded, then fails with exit 1.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain, EXIT } from "@vmstate/cli";
import { formatRegId } from "@vmstate/arm";
import { cpregsOf } from "../tools/samples/rewritten.js";
import { runMain } from "./support/cli.js";
import { memFs } from "./support/memfs.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const HEX64 = /^0x[0-9a-f]{16}$/;
/**
 * Registers every TCG Arm list of these samples has. (MIDR_EL1, 0x603000000013c000, is not
 * one: QEMU marks it ARM_CP_NO_RAW, so TCG never migrates it.)
 */
const KNOWN = { "0x603000000013c00a": "ID_DFR0_EL1", "0x603000000013d801": "CTR_EL0", "0x40200000200f0082": "ID_DFR0" };

interface CpuJson {
  instance_id: number;
  count: number;
  registers: { id: string; name: string; value: string }[];
}

async function cpregsJson(file: string): Promise<CpuJson[]> {
  const run = await runMain(inspectMain, ["cpregs", "--json", join(SAMPLES_DIR, file)]);
  expect(run.code, run.stderr).toBe(EXIT.OK);
  return (JSON.parse(run.printed) as { cpus: CpuJson[] }).cpus;
}

describe.each(["aarch64-virt-7.2-a57.mig", "newer-aarch64-virt-7.2-a57.mig", "aarch64-virt-max-4cpu.mig", "aarch64-virt-no-vmdesc.mig"])(
  "cpregs of %s",
  (file) => {
    it("lists every register of every vCPU, exactly as the stream holds them", async () => {
      const json = await cpregsJson(file);
      const truth = await cpregsOf(readSample(file));
      expect(json.map((c) => c.instance_id)).toEqual([...truth.keys()]);
      for (const cpu of json) {
        const list = truth.get(cpu.instance_id)!;
        expect(cpu.count).toBe(list.count);
        expect(cpu.registers).toHaveLength(list.count);
        expect(cpu.registers.map((r) => r.id)).toEqual(list.indexes.map(formatRegId));
        expect(cpu.registers.map((r) => r.value)).toEqual(list.values.map(formatRegId));
      }
    });

    it("prints the JSON shape of the spec, ids ascending, known registers named", async () => {
      for (const cpu of await cpregsJson(file)) {
        expect(Object.keys(cpu)).toEqual(["instance_id", "count", "registers"]);
        for (const r of cpu.registers) {
          expect(Object.keys(r)).toEqual(["id", "name", "value"]);
          expect(r.id).toMatch(HEX64);
          expect(r.value).toMatch(HEX64);
          expect(r.name.length).toBeGreaterThan(0);
        }
        const ids = cpu.registers.map((r) => BigInt(r.id));
        expect(ids.every((id, i) => i === 0 || ids[i - 1]! < id)).toBe(true);
        for (const [id, name] of Object.entries(KNOWN)) expect(cpu.registers.find((r) => r.id === id)?.name).toBe(name);
        expect(cpu.registers.some((r) => r.id === "0x603000000013c000")).toBe(false);
      }
    });
  },
);

describe("cpregs", () => {
  it("prints one text block per vCPU within 80 columns", async () => {
    const run = await runMain(inspectMain, ["cpregs", join(SAMPLES_DIR, "aarch64-virt-max-4cpu.mig")]);
    expect(run.code).toBe(0);
    expect(run.printed).toMatch(/cpu 3, \d+ registers/);
    expect(run.printed).toMatch(/0x603000000013c00a  0x[0-9a-f]{16}  ID_DFR0_EL1\n/);
    // Lines naming the file repeat the path the user typed, which may be any length.
    const long = run.printed.split("\n").filter((l) => l.length > 80 && !/cp\d+/.test(l) && !l.includes(SAMPLES_DIR));
    expect(long).toEqual([]);
  });

  it("refuses an x86 stream with exit 4 (nothing to show)", async () => {
    const run = await runMain(inspectMain, ["cpregs", join(SAMPLES_DIR, "x86_64-pc-seabios.mig")]);
    expect(run.code).toBe(EXIT.REFUSED);
    expect(run.stderr).toContain("no Arm cpu register list");
    expect(run.printed).toBe("");
  });

  it("prints the vCPUs decoded before a truncation, then the error with its offset (exit 1)", async () => {
    const bytes = readSample("aarch64-virt-max-4cpu.mig");
    const cut = bytes.length - 2000; // inside the device tail, after the last cpu section
    const fs = memFs({ "/cut.mig": bytes.subarray(0, cut) });
    const run = await runMain(inspectMain, ["cpregs", "--json", "/cut.mig"], { fs });
    expect(run.code).toBe(EXIT.BAD_STREAM);
    expect((JSON.parse(run.printed) as { cpus: CpuJson[] }).cpus.map((c) => c.instance_id)).toEqual([0, 1, 2, 3]);
    expect(run.stderr).toMatch(/at offset 0x[0-9a-f]+/);
  });
});
