/**
 * The full cross-version fix with real QEMU: QEMU 11.1 saves `-M virt-7.2 -cpu cortex-a57`;
 * QEMU 7.2 refuses that stream for its register list and, once that is fixed, for the
 * `cpu/wfxt-timer` subsection it does not know. The fix is derived from a stream QEMU 7.2
 * saved with the same command line: hide what 7.2 lacks, set the read-only registers that
 * differ, add what only 7.2 lists, drop the subsections only 11.1 sends. Then 7.2 loads it
 * and the guest runs. And --add undoes --hide on a real QEMU 7.2 stream, byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewriteMain } from "@vmstate/cli";
import { formatRegId, isConstantRegister, readCpregArrays } from "@vmstate/arm";
import { requireQemu } from "../tools/qemu/binaries.js";
import { captureStream } from "../tools/qemu/capture.js";
import { loadStream } from "../tools/qemu/load.js";
import { decodeAll, equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";
import { expectLoadsAndRuns } from "./support/runs.js";

const ARGS = ["-M", "virt-7.2", "-cpu", "cortex-a57", "-m", "32", "-nodefaults"];
const dir = mkdtempSync(join(tmpdir(), "vmstate-e2e-cross-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, name);

/** vCPU 0's registers (id → value) and its cpu subsection names. */
async function cpuOf(path: string): Promise<{ regs: Map<bigint, bigint>; subsections: string[] }> {
  for (const rec of await decodeAll([new Uint8Array(readFileSync(path))])) {
    if (rec.kind !== "device" || rec.idstr !== "cpu" || rec.instanceId !== 0 || !rec.fields) continue;
    const a = readCpregArrays(rec.bytes, rec.fields)!;
    return { regs: new Map(a.indexes.map((id, i) => [id, a.values[i]!])), subsections: (rec.fields.subsections ?? []).map((s) => s.name) };
  }
  throw new Error(`${path}: no decodable cpu (0)`);
}

/** The vmstate-rewrite arguments that make `src` look, to the QEMU that wrote `dest`, like its own. */
async function fixArgs(src: string, dest: string): Promise<{ registers: string[]; drop: string[] }> {
  const a = await cpuOf(src);
  const b = await cpuOf(dest);
  const hide = [...a.regs.keys()].filter((id) => !b.regs.has(id));
  const set = [...b.regs].filter(([id, v]) => a.regs.has(id) && a.regs.get(id) !== v && isConstantRegister(id));
  const add = [...b.regs].filter(([id]) => !a.regs.has(id));
  const pair = ([id, v]: [bigint, bigint]) => `${formatRegId(id)}=${formatRegId(v)}`;
  return {
    registers: [
      ...(hide.length ? ["--hide", hide.map(formatRegId).join(",")] : []),
      ...(set.length ? ["--set", set.map(pair).join(",")] : []),
      ...(add.length ? ["--add", add.map(pair).join(",")] : []),
    ],
    drop: a.subsections.filter((s) => !b.subsections.includes(s)).flatMap((s) => ["--drop-subsection", s]),
  };
}

async function rewrite(args: string[]): Promise<string> {
  const r = await runMain(rewriteMain, args);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

describe("QEMU 11.1 -> 7.2 (virt-7.2, cortex-a57)", () => {
  let fix: { registers: string[]; drop: string[] };

  beforeAll(async () => {
    await captureStream({ binary: requireQemu("trixie-aarch64"), args: ARGS, runMs: 200, file: file("11.1.mig") });
    await captureStream({ binary: requireQemu("aarch64"), args: ARGS, runMs: 200, file: file("7.2.mig") });
    fix = await fixArgs(file("11.1.mig"), file("7.2.mig"));
  });

  const load = (name: string, keep = false) => loadStream({ binary: requireQemu("aarch64"), args: ARGS, file: file(name), keep });

  it("needs registers hidden, set and added, and cpu/wfxt-timer dropped", () => {
    expect(fix.registers).toEqual(expect.arrayContaining(["--hide", "--set", "--add"]));
    expect(fix.drop).toEqual(["--drop-subsection", "cpu/wfxt-timer"]);
  });

  it("is refused by QEMU 7.2 as saved, for the register list", async () => {
    const r = await load("11.1.mig");
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
  });

  it("is still refused with only the register list fixed: 7.2 does not know cpu/wfxt-timer", async () => {
    await rewrite(["-i", file("11.1.mig"), "-o", file("registers.mig"), ...fix.registers]);
    const r = await load("registers.mig");
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain("error while loading state for instance 0x0 of device 'cpu'");
    expect(r.stderr).toContain("No such file or directory");
  });

  it("loads in QEMU 7.2 after --drop-subsection with --hide/--set/--add, and the guest runs", async () => {
    const report = await rewrite(["-i", file("11.1.mig"), "-o", file("fixed.mig"), ...fix.registers, ...fix.drop]);
    expect(report).toMatch(/cpu \(0\): dropped subsection cpu\/wfxt-timer \(28 bytes\) \[guest-state: /);
    expect(report).toMatch(/cpu \(0\): set ID_DFR0_EL1 \(0x603000000013c00a\) 0x3000006 -> 0x3010006 \[enforced\]/);
    expect(report).toMatch(/cpu \(0\): added ID_AA64ISAR0_EL1 \(0x603000000013c030\) = 0x11120 \[enforced\]/);
    await expectLoadsAndRuns(await load("fixed.mig", true));
  });

  it("--add undoes --hide on QEMU 7.2's own stream, byte for byte, and QEMU 7.2 loads the result", async () => {
    const { regs } = await cpuOf(file("7.2.mig"));
    const [id, value] = [...regs].find(([i]) => !isConstantRegister(i))!;
    await rewrite(["-i", file("7.2.mig"), "-o", file("hidden.mig"), "--hide", formatRegId(id)]);
    await rewrite(["-i", file("hidden.mig"), "-o", file("back.mig"), "--add", `${formatRegId(id)}=${formatRegId(value)}`]);
    expect(equalBytes(new Uint8Array(readFileSync(file("back.mig"))), new Uint8Array(readFileSync(file("7.2.mig"))))).toBe(true);
    const r = await load("back.mig");
    expect(r.reason ?? "", r.stderr).toBe("");
  });
});
