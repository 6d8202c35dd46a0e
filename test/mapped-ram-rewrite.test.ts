/**
 * `vmstate-rewrite` on mapped-ram files (wire-format.md §9.9), the real QEMU 10.0 captures:
 * only the device state at the end changes, every byte before it is the original's, the file
 * stays as sparse as QEMU left it (with `-o` and `--in-place`), and QEMU 10.0 itself, started
 * with `-incoming defer`, the capabilities set over QMP and `migrate-incoming file:…`, refuses
 * the file with an extra register (in the words `explain` predicts) and loads and runs it once
 * the register is hidden again,
 * and loads and runs a file with one register fewer than it saved, or with a value changed.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { StreamDecoder } from "@vmstate/stream";
import { requireQemu } from "../tools/qemu/binaries.js";
import { loadStream } from "../tools/qemu/load.js";
import { MAPPED_RAM_SAMPLES, type MappedRamSample } from "../tools/samples/mapped-ram.js";
import { runMain } from "./support/cli.js";
import { expandedSample } from "./support/packed-samples.js";
import { expectLoadsAndRuns } from "./support/runs.js";
import { allocated, firstDifference, sparseCopy } from "./support/sparse-files.js";

const BMAP2 = "0x6030000000160003";
const dir = mkdtempSync(join(tmpdir(), "vmstate-mapped-ram-rewrite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where the first vCPU's `cpu` section starts: the first byte a register edit changes. */
async function cpuSectionStart(file: string): Promise<number> {
  for await (const rec of new StreamDecoder(createReadStream(file)).records()) {
    if (rec.kind === "device" && rec.idstr === "cpu") return rec.start;
  }
  throw new Error(`no cpu section in ${file}`);
}

/** Loads a mapped-ram file as QEMU 10.0 restores one: `-incoming defer`, capabilities, `file:`. */
function loadMappedRam(sample: MappedRamSample, file: string, keep = false) {
  return loadStream({
    binary: requireQemu("newer-aarch64"),
    args: sample.args,
    incomingUri: `file:${file}`,
    capabilities: sample.capabilities,
    parameters: sample.parameters,
    keep,
  });
}

describe.each(MAPPED_RAM_SAMPLES.map((s) => [s.file, s] as const))("rewrite of the mapped-ram sample %s", (name, sample) => {
  it("-o: a copy is the input byte for byte and as sparse; an edit changes only the device state", async () => {
    const original = expandedSample(name);
    const size = statSync(original).size;
    // The sample is mostly holes: its page areas hold only the pages the guest wrote.
    expect(allocated(original) * 512).toBeLessThan(size / 100);
    const copy = join(dir, `${name}.copy`);
    const r = await runMain(rewriteMain, ["-i", original, "-o", copy]);
    expect(r.code, r.stderr).toBe(0);
    expect(firstDifference(original, copy)).toBe(-1);
    expect(allocated(copy)).toBeLessThanOrEqual(allocated(original));

    const added = join(dir, `${name}.added`);
    const a = await runMain(rewriteMain, ["-i", original, "-o", added, "--add", `${BMAP2}=0`]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain(`added KVM_REG_ARM_VENDOR_HYP_BMAP_2 (${BMAP2}) = 0x0`);
    // Everything up to the cpu section (header, configuration, every page area and bitmap)
    // is the original's; the section gains one id and one value.
    expect(firstDifference(original, added)).toBeGreaterThanOrEqual(await cpuSectionStart(original));
    expect(statSync(added).size).toBe(size + 16);
    // The rewritten tail is a few pages at most: the copy did not fill the holes.
    expect(allocated(added)).toBeLessThanOrEqual(allocated(original) + 8 * 8);

    const back = join(dir, `${name}.back`);
    const h = await runMain(rewriteMain, ["-i", added, "-o", back, "--hide", BMAP2]);
    expect(h.code, h.stderr).toBe(0);
    expect(firstDifference(original, back)).toBe(-1);
    expect(allocated(back)).toBeLessThanOrEqual(allocated(original));
  });

  it("QEMU 10.0 refuses the file with an extra register and loads it after --hide --in-place", async () => {
    const vm = sparseCopy(expandedSample(name), join(dir, `${name}.in-place`));
    const before = allocated(vm);
    const ino = statSync(vm).ino;
    const add = await runMain(rewriteMain, ["-i", vm, "--in-place", "--add", `${BMAP2}=0`, "--verbose"]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(/device state found from the end at offset 0x[0-9a-f]+; RAM not read/);
    expect(allocated(vm)).toBeLessThanOrEqual(before + 8 * 8);
    const refused = await loadMappedRam(sample, vm);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    // explain, given the capture as the destination, predicts QEMU's words line for line.
    const explained = await runMain(inspectMain, ["explain", "--json", vm, "--dest", expandedSample(name), "--dest-qemu", "10.0"]);
    expect(explained.code).toBe(6);
    const explanation = JSON.parse(explained.printed) as { predicted_error: string; fix: { command: string } };
    const predicted = explanation.predicted_error.split("\n");
    // Its fix works file to file (a pipe would fill the holes).
    expect(explanation.fix.command).toBe(`vmstate-rewrite --hide ${BMAP2} -i ${vm} -o ${vm.replace(/\.in-place$/, ".fixed.in-place")}`);
    expect(predicted.length).toBeGreaterThan(1);
    for (const line of predicted) expect(refused.stderr).toContain(line);

    const hide = await runMain(rewriteMain, ["-i", vm, "--in-place", "--hide", BMAP2]);
    expect(hide.code, hide.stderr).toBe(0);
    expect(statSync(vm).ino).toBe(ino);
    expect(firstDifference(expandedSample(name), vm)).toBe(-1);
    expect(allocated(vm)).toBeLessThanOrEqual(before + 8 * 8);
    expect((await runMain(inspectMain, ["explain", vm, "--dest", expandedSample(name), "--dest-qemu", "10.0"])).code).toBe(0);
    await expectLoadsAndRuns(await loadMappedRam(sample, vm, true));
  });

  it("QEMU 10.0 loads and runs a file that differs from its own: -o with a register hidden", async () => {
    // TPIDR_EL0 is 0 here, its reset value: a destination keeps its own value for a register
    // the stream lacks (10.0 refuses only registers it does not know).
    const original = expandedSample(name);
    const out = join(dir, `${name}.hidden`);
    const r = await runMain(rewriteMain, ["-i", original, "-o", out, "--hide", "TPIDR_EL0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("hid TPIDR_EL0 (0x603000000013de82) = 0x0");
    expect(statSync(out).size).toBe(statSync(original).size - 16);
    expect(firstDifference(original, out)).toBeGreaterThanOrEqual(await cpuSectionStart(original));
    expect(allocated(out)).toBeLessThanOrEqual(allocated(original) + 8 * 8);
    await expectLoadsAndRuns(await loadMappedRam(sample, out, true));
  });

  it("--set changes one value in place, same length, and QEMU 10.0 loads and runs the file", async () => {
    const original = expandedSample(name);
    const vm = sparseCopy(original, join(dir, `${name}.set`));
    const before = allocated(vm);
    const r = await runMain(rewriteMain, ["-i", vm, "--in-place", "--set", "TPIDR_EL0=0x1234"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(vm).size).toBe(statSync(original).size);
    expect(firstDifference(original, vm)).toBeGreaterThanOrEqual(await cpuSectionStart(original));
    expect(allocated(vm)).toBeLessThanOrEqual(before + 8 * 8);
    const regs = JSON.parse((await runMain(inspectMain, ["cpregs", "--json", vm])).printed) as { cpus: { registers: { name: string; value: string }[] }[] };
    expect(regs.cpus[0]!.registers.find((x) => x.name === "TPIDR_EL0")!.value).toBe("0x0000000000001234");
    await expectLoadsAndRuns(await loadMappedRam(sample, vm, true));
  });
});
