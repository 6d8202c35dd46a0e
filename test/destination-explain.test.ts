/**
 * `vmstate-inspect explain` on real samples. The expectations are what real QEMU 7.2 does
 * with these streams (checked in e2e-explain.test.ts): the 10.0 stream of the backward
 * pair fails at field 13; a 1-vCPU stream fails post_load in a 4-vCPU destination (L2CTLR
 * counts CPUs); a stream loads into its own configuration. QEMU 10.2 words the same
 * failures differently (taken from its source: qemu-wording.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain, EXIT, VERDICT_EXIT, type CliFs } from "@vmstate/cli";
import { formatRegId, registerName } from "@vmstate/arm";
import type { Explanation } from "@vmstate/destination";
import { readStreamState } from "@vmstate/inspect";
import { backwardFix, cpregsOf } from "../tools/samples/rewritten.js";
import { runMain } from "./support/cli.js";
import { memFs } from "./support/memfs.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";

const OLD = "aarch64-virt-7.2-a57.mig";
const NEW = "newer-aarch64-virt-7.2-a57.mig";
const path = (f: string) => join(SAMPLES_DIR, f);

async function explain(src: string, dest: string, fs?: CliFs, ...more: string[]): Promise<Explanation> {
  const run = await runMain(inspectMain, ["explain", "--json", src, "--dest", dest, ...more], fs ? { fs } : {});
  const e = JSON.parse(run.printed) as Explanation;
  expect(run.code, run.stderr).toBe(VERDICT_EXIT[e.verdict]);
  return e;
}

/** What 7.2 lacks, and 7.2's values of the ID registers that differ: computed from the two lists. */
async function expectedFix(): Promise<{ hide: string[]; set: string[]; srcCount: number; destCount: number }> {
  const { hide, set } = await backwardFix(readSample(NEW), readSample(OLD));
  return {
    hide: hide.map(formatRegId),
    set: [...set].map(([id, v]) => `${formatRegId(id)}=${formatRegId(v)}`),
    srcCount: (await cpregsOf(readSample(NEW))).get(0)!.count,
    destCount: (await cpregsOf(readSample(OLD))).get(0)!.count,
  };
}

describe("explain against a destination stream", () => {
  it("predicts 7.2's refusal of the 10.0 stream and proposes hide + set", async () => {
    const e = await explain(path(NEW), path(OLD));
    const want = await expectedFix();
    expect(e.verdict).toBe("refuses");
    expect(e.predicted_error).toBe(
      [
        `Invalid value ${want.srcCount} expecting positive value <= ${want.destCount}`,
        "Failed to load cpu:cpreg_vmstate_array_len",
        "error while loading state for instance 0x0 of device 'cpu'",
        "load of migration failed: Invalid argument",
      ].join("\n"),
    );
    // 7.2's PAR (AArch32, 32-bit) is not in the 10.0 stream: loading writes 0 there, a warning.
    expect(e.problems.map((p) => p.kind)).toEqual(["cpreg-count", "cpreg-unknown-ids", "cpreg-id-values", "cpreg-absent"]);
    expect(e.problems[3]!.ids).toEqual(["0x40200000200f3a00"]);
    expect(e.problems[1]!.ids).toEqual(want.hide);
    expect(e.fix).not.toBeNull();
    expect(e.fix!.argv).toEqual(["--hide", want.hide.join(","), ...want.set.flatMap((s) => ["--set", s])]);
    expect(want.set.length).toBeGreaterThan(0);
    expect(e.fix!.command).toMatch(/^vmstate-rewrite --hide 0x[0-9a-f,x]+ --set .* < \S+newer-aarch64-virt-7\.2-a57\.mig > \S+\.fixed\.mig$/);
    // RMR/RMR_EL1 hold 1 in the 10.0 stream, and 7.2 has no such register: a read-only value
    // the destination decides anyway, so hiding it is "enforced", not a loss of guest state.
    const rmr = e.fix!.hide.find((h) => h.id === "0x603000000013c602")!;
    expect([rmr.name, rmr.risk]).toEqual([registerName(0x603000000013c602n), "enforced"]);
    expect(e.fix!.warnings.some((w) => w.startsWith(`hiding ${registerName(0x603000000013c602n)}`))).toBe(false);
  });

  it("says a stream loads into the configuration that saved it", async () => {
    for (const f of [OLD, "aarch64-virt-max-4cpu.mig", "x86_64-pc-seabios.mig"]) {
      const e = await explain(path(f), path(f));
      expect(e.verdict).toBe("loads");
      expect(e.predicted_error).toBeNull();
      expect(e.problems).toEqual([]);
      expect(e.fix).toBeNull();
    }
  });

  it("predicts the post_load failure of a 1-vCPU stream in a 4-vCPU destination (L2CTLR)", async () => {
    const e = await explain(path("aarch64-virt-max-1cpu.mig"), path("aarch64-virt-max-4cpu.mig"));
    expect(e.verdict).toBe("refuses");
    expect(e.predicted_error).toBe("error while loading state for instance 0x0 of device 'cpu'\nload of migration failed: Operation not permitted");
    expect(e.fix!.set.map((s) => s.name).sort()).toEqual(["L2CTLR", "L2CTLR_EL1"]);
  });

  it("refuses more vCPUs than the destination has, with no fix", async () => {
    const e = await explain(path("aarch64-virt-max-4cpu.mig"), path("aarch64-virt-max-1cpu.mig"));
    expect(e.verdict).toBe("refuses");
    expect(e.problems.filter((p) => p.kind === "unknown-section").map((p) => p.section)).toEqual([
      "cpu_common (1)", "cpu (1)", "cpu_common (2)", "cpu (2)", "cpu_common (3)", "cpu (3)",
    ]);
    expect(e.fix).toBeNull();
  });

  it("refuses another machine type and page size first, as the configuration section does", async () => {
    const e = await explain(path("aarch64-virt-2.6-1k-pages.mig"), path(OLD));
    expect(e.problems[0]!.kind).toBe("machine-type");
    expect(e.predicted_error).toBe("Machine type received is 'virt-2.6' and local is 'virt-7.2'\nload of migration failed: Invalid argument");
    expect(e.fix).toBeNull();
  });

  it("reads SRC from standard input (a pipe), and names it SRC in the command", async () => {
    const run = await runMain(inspectMain, ["explain", "--json", "-", "--dest", path(OLD)], { stdin: [readSample(NEW)] });
    expect(run.code, run.stderr).toBe(EXIT.WOULD_REFUSE);
    const e = JSON.parse(run.printed) as Explanation;
    expect(e.verdict).toBe("refuses");
    expect(e.fix!.command).toMatch(/ < SRC > FIXED$/);
    const both = await runMain(inspectMain, ["explain", "-", "--dest", "-"]);
    expect(both.code).toBe(EXIT.USAGE);
  });

  it("prints the verdict, QEMU's lines and a copyable command in text", async () => {
    const run = await runMain(inspectMain, ["explain", path(NEW), "--dest", path(OLD)]);
    expect(run.code).toBe(EXIT.WOULD_REFUSE);
    expect(run.printed).toContain("The destination would REFUSE this stream. QEMU would print (in the wording of QEMU 10.1 and earlier):\n  Invalid value");
    expect(run.printed).toMatch(/hide  0x6030000000139828  DBGDTRTX_EL0/);
    expect(run.printed).toMatch(/vmstate-rewrite \\\n {4}--hide 0x/);
  });
});

describe("explain against a register list", () => {
  it("checks the cpreg list only, says values were not checked, hides what the list lacks", async () => {
    const dest = (await cpregsOf(readSample(OLD))).get(0)!;
    // Names are allowed in the list, and comments.
    const text = ["# registers of the 7.2 destination", ...dest.indexes.map((id) => (id === 0x603000000013c00an ? "ID_DFR0_EL1  # by name" : formatRegId(id)))].join("\n");
    const fs = memFs({ "/src.mig": readSample(NEW), "/dest.txt": text });
    const e = await explain("/src.mig", "/dest.txt", fs);
    const want = await expectedFix();
    expect(e.destination_kind).toBe("register-list");
    expect(e.verdict).toBe("refuses");
    expect(e.predicted_error).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    expect(e.fix!.argv).toEqual(["--hide", want.hide.join(",")]);
    // Without the destination's values the TCG read-back cannot be judged: never "loads".
    expect(e.problems.find((p) => p.kind === "cpreg-values-unknown")?.severity).toBe("possible");
    expect(e.qemu_wording).toBe("10.1");
    expect(e.notes.some((n) => n.startsWith("the destination's QEMU release is not known (a register list does not show it)"))).toBe(true);
    const named = await explain("/src.mig", "/dest.txt", fs, "--dest-qemu", "10.2.0");
    expect(named.predicted_error).toBe(
      `Invalid value ${want.srcCount} expecting positive value <= ${want.destCount}\n` +
        "load of migration failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': Failed to load element of type int32 le for cpreg_vmstate_array_len: -22",
    );
    expect(named.notes.some((n) => n.startsWith("the destination's QEMU release"))).toBe(false);
  });

  it("refuses a stream with no Arm cpu (exit 4), and a file that is neither (exit 2)", async () => {
    const fs = memFs({ "/x86.mig": readSample("x86_64-pc-seabios.mig"), "/ids.txt": "0x603000000013c00a\n", "/junk": "not a register\n" });
    const x86 = await runMain(inspectMain, ["explain", "/x86.mig", "--dest", "/ids.txt"], { fs });
    expect(x86.code).toBe(EXIT.REFUSED);
    const junk = await runMain(inspectMain, ["explain", "/x86.mig", "--dest", "/junk"], { fs });
    expect(junk.code).toBe(EXIT.USAGE);
    expect(junk.stderr).toContain("neither a migration stream");
  });

  it("prints the prediction for a truncated source, then its error (exit 1)", async () => {
    const bytes = readSample(NEW);
    const fs = memFs({ "/cut.mig": bytes.subarray(0, bytes.length - 3000), "/dest.mig": readSample(OLD) });
    const run = await runMain(inspectMain, ["explain", "/cut.mig", "--dest", "/dest.mig"], { fs });
    expect(run.code).toBe(EXIT.BAD_STREAM);
    expect(run.printed).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    expect(run.printed).toContain("/cut.mig: damaged or truncated");
    expect(run.stderr).toMatch(/at offset 0x[0-9a-f]+/);
  });
});

describe("explain a newer-kernel register", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-explain-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("hides KVM_REG_ARM_VENDOR_HYP_BMAP_2 on every vCPU and warns that its value is not 0", async () => {
    const file = "aarch64-virt-max-4cpu.mig";
    const newer = join(dir, "newer.mig");
    await simulateNewerSource(path(file), newer, new Map([[0x6030000000160003n, 3n]]));
    const e = await explain(newer, path(file));
    expect(e.verdict).toBe("refuses");
    expect(e.predicted_error?.split("\n")[1]).toBe("Failed to load cpu:cpreg_vmstate_array_len");
    // BMAP_2 sorts after every id of a TCG list: QEMU up to 10.2 would never reach it in
    // post_load (field 13 refuses the longer list first).
    expect(e.problems.filter((p) => p.kind === "cpreg-unreached").map((p) => p.section)).toEqual(["cpu (0)", "cpu (1)", "cpu (2)", "cpu (3)"]);
    expect(e.fix!.argv).toEqual(["--hide", "0x6030000000160003"]);
    expect(e.fix!.warnings).toHaveLength(1);
    expect(e.fix!.warnings[0]).toMatch(/^hiding KVM_REG_ARM_VENDOR_HYP_BMAP_2 \(0x6030000000160003\) drops a non-zero value \(0x0000000000000003\)/);
  });
});

describe("explain with --dest-qemu that the destination's stream contradicts", () => {
  it("cannot tell, naming what the stream shows: its cpu subsections, or its release range", async () => {
    const v11 = path("v11-aarch64-virt-7.2-a57-no-vmdesc.mig");
    const e = await explain(v11, v11, undefined, "--dest-qemu", "7.2");
    expect(e.verdict).toBe("cannot-tell");
    expect(e.problems.map((p) => [p.kind, p.severity])).toEqual([["release-mismatch", "possible"]]);
    expect(e.problems[0]!.message).toContain("(its stream holds cpu/wfxt-timer, unknown to QEMU 7.2)");
    expect(e.fix).toBeNull();
    // Nothing fatal is left open: the text and the HTML report both say no rewrite changes
    // that, and neither sends the user to another configuration.
    const text = await runMain(inspectMain, ["explain", v11, "--dest", v11, "--dest-qemu", "7.2"]);
    expect(text.printed.replace(/\n(?!\n)/g, " ")).toContain("No rewrite proposed: what leaves the verdict open is not something a rewrite of the stream changes.");
    const html = join(mkdtempSync(join(tmpdir(), "vmstate-explain-open-")), "open.html");
    const report = await runMain(inspectMain, ["report", v11, "--dest", v11, "--dest-qemu", "7.2", "-o", html]);
    expect(report.code, report.stderr).toBe(VERDICT_EXIT["cannot-tell"]);
    const noFix = /<p id="no-fix">([^<]*)<\/p>/.exec(readFileSync(html, "utf8"))?.[1];
    expect(noFix).toBe("No rewrite proposed: what leaves the verdict open is not something a rewrite of the stream changes.");
    expect(text.printed).not.toContain("source's configuration");
    const withVmdesc = path("v11-aarch64-virt-7.2-a57.mig");
    expect((await explain(withVmdesc, withVmdesc, undefined, "--dest-qemu", "10.0")).problems[0]!.message).toContain("(its stream was saved by QEMU 11.0 or later)");
    // The release the stream shows is no contradiction.
    expect((await explain(withVmdesc, withVmdesc, undefined, "--dest-qemu", "11.1")).verdict).toBe("loads");
  });
});

describe("explain a register list with --dest-qemu", () => {
  it("checks the cpu subsections against the release: 7.2 does not know cpu/wfxt-timer, so the fix drops it", async () => {
    const dest = (await cpregsOf(readSample(OLD))).get(0)!;
    const fs = memFs({ "/src.mig": readSample("v11-aarch64-virt-7.2-a57.mig"), "/dest.txt": dest.indexes.map(formatRegId).join("\n") });
    const e = await explain("/src.mig", "/dest.txt", fs, "--dest-qemu", "7.2");
    expect(e.problems.find((p) => p.kind === "unknown-subsection")).toMatchObject({ severity: "fatal", subsection: "cpu/wfxt-timer" });
    expect(e.fix!.drop_subsections.map((d) => d.subsection)).toEqual(["cpu/wfxt-timer"]);
    // Without a release the list says nothing of subsections, and the notes say so.
    const unnamed = await explain("/src.mig", "/dest.txt", fs);
    expect(unnamed.problems.some((p) => p.kind === "unknown-subsection")).toBe(false);
    expect(unnamed.notes[0]).toContain("cpu subsections (--dest-qemu lets the cpu subsections be checked against the release)");
  });
});

describe("explain QEMU 11.1's tolerance of KVM_REG_ARM_VENDOR_HYP_BMAP_2 at 0", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-explain-bmap2-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const v11 = path("v11-aarch64-virt-7.2-a57.mig");

  it("does not hold for a TCG destination: refused (real 11.1 agrees: v11-no-vmdesc.test.ts)", async () => {
    const newer = join(dir, "tcg.mig");
    await simulateNewerSource(v11, newer, new Map([[0x6030000000160003n, 0n]]));
    const e = await explain(newer, v11, undefined, "--dest-qemu", "11.1");
    expect(e.verdict).toBe("refuses");
    expect(e.problems.map((p) => [p.kind, p.ids])).toEqual([["cpreg-unknown-ids", ["0x6030000000160003"]]]);
  });

  it("holds only under KVM -cpu host or max: with the accelerator unknown, it cannot tell", async () => {
    // Without QEMU's AArch32 ids (TCG only) and firmware registers (KVM only) nothing in
    // either list shows the accelerator.
    const aarch32 = (await cpregsOf(readSample("v11-aarch64-virt-7.2-a57.mig"))).get(0)!.indexes.filter((id) => id >> 56n === 0x40n);
    const plain = join(dir, "plain.mig");
    const hide = await runMain(rewriteMain, ["-i", v11, "-o", plain, "--hide", aarch32.map(formatRegId).join(",")]);
    expect(hide.code, hide.stderr).toBe(0);
    const newer = join(dir, "plain-newer.mig");
    await simulateNewerSource(plain, newer, new Map([[0x6030000000160003n, 0n]]));
    const e = await explain(newer, plain, undefined, "--dest-qemu", "11.1");
    expect(e.verdict).toBe("cannot-tell");
    const p = e.problems.find((x) => x.kind === "cpreg-unreached")!;
    expect([p.severity, p.ids]).toEqual(["possible", ["0x6030000000160003"]]);
    expect(p.message).toContain("under KVM (-cpu host or max)");
    expect(p.qemu.at(-1)).toContain("post load hook failed for: cpu");
  });
});

describe("explain in the wording of the destination's QEMU release", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-explain-wording-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const unknownRelease = (e: Explanation) => e.notes.find((n) => n.startsWith("the destination's QEMU release is not known"));
  const postLoad10_2 =
    "load of migration failed: Operation not permitted: error while loading state for instance 0x0 of device 'cpu': post load hook failed for: cpu, version_id: 22, minimum_version: 22, ret: -1";

  it("words as QEMU 10.1 and earlier for a stream saved before 8.2 (no configuration in its vmdesc), with no note", async () => {
    const e = await explain(path(NEW), path(OLD));
    expect(e.qemu_wording).toBe("10.1");
    expect(unknownRelease(e)).toBeUndefined();
    expect(e.problems[1]!.qemu).toEqual(["error while loading state for instance 0x0 of device 'cpu'", "load of migration failed: Operation not permitted"]);
  });

  it("words as QEMU 10.2 with --dest-qemu 10.2: one line, outermost step first", async () => {
    // The 7.2 stream stands in for a 10.2 destination here, which the checks see through (it
    // has no configuration in its vmdesc): the verdict stays open, the wording is 10.2's.
    const e = await explain(path(NEW), path(OLD), undefined, "--dest-qemu", "10.2");
    const want = await expectedFix();
    expect(e.qemu_wording).toBe("10.2");
    expect(e.verdict).toBe("refuses");
    expect(e.problems[0]).toMatchObject({ kind: "release-mismatch", severity: "possible" });
    expect(e.problems[0]!.message).toContain("--dest-qemu 10.2 cannot be the QEMU that saved the destination's stream (its stream was saved by QEMU 7.2 or later, before 8.2)");
    expect(e.problems[1]!.qemu.join("\n")).toBe(
      [
        `Invalid value ${want.srcCount} expecting positive value <= ${want.destCount}`,
        "load of migration failed: Invalid argument: error while loading state for instance 0x0 of device 'cpu': Failed to load element of type int32 le for cpreg_vmstate_array_len: -22",
      ].join("\n"),
    );
    expect(e.problems.slice(2, 4).map((p) => p.qemu)).toEqual([[postLoad10_2], [postLoad10_2]]);
  });

  it("words unknown sections with or without 'savevm' by release", async () => {
    const src = path("aarch64-virt-max-4cpu.mig");
    const dest = path("aarch64-virt-max-1cpu.mig");
    const unknown = (e: Explanation) => e.problems.find((p) => p.kind === "unknown-section")!.qemu;
    const setup = "'cpu_common' 1. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices";
    expect(unknown(await explain(src, dest))).toEqual([`Unknown savevm section or instance ${setup}`, "load of migration failed: Invalid argument"]);
    expect(unknown(await explain(src, dest, undefined, "--dest-qemu", "10.0"))).toEqual([`Unknown savevm section or instance ${setup}`, "load of migration failed: Invalid argument"]);
    expect(unknown(await explain(src, dest, undefined, "--dest-qemu", "10.2"))).toEqual([`load of migration failed: Invalid argument: Unknown section or instance ${setup}`]);
  });

  it("words a newer section version with or without 'savevm: ' by release", async () => {
    const bytes = Uint8Array.from(readSample(OLD));
    const state = await readStreamState([bytes], OLD);
    const s = state.sections.find((x) => x.type === "full" && x.idstr !== "cpu")!;
    // Section header: type, be32 section id, counted idstr, be32 instance id, be32 version.
    const at = s.offset + 1 + 4 + 1 + s.idstr.length + 4;
    new DataView(bytes.buffer).setUint32(at, s.version + 1);
    const newer = join(dir, "newer-section.mig");
    writeFileSync(newer, bytes);
    const text = `unsupported version ${s.version + 1} for '${s.idstr}' v${s.version}`;
    expect((await explain(newer, path(OLD))).predicted_error).toBe(`savevm: ${text}\nload of migration failed: Invalid argument`);
    const named = await explain(newer, path(OLD), undefined, "--dest-qemu", "v10.2.0");
    expect(named.problems.find((p) => p.kind === "section-version")!.qemu).toEqual([`load of migration failed: Invalid argument: ${text}`]);
  });

  it("takes 10.2 from a destination stream of a virt-10.2 machine, and says when the stream does not settle it", async () => {
    const src = path("aarch64-virt-max-4cpu.mig");
    const bytes = Buffer.from(readSample("newer-aarch64-virt-max.mig"));
    const at = bytes.indexOf("virt-10.0"); // the configuration's machine name, right after the header
    expect(at).toBeGreaterThan(0);
    bytes.write("virt-10.2", at);
    const dest = join(dir, "virt-10.2.mig");
    writeFileSync(dest, bytes);
    const e = await explain(src, dest);
    expect(e.qemu_wording).toBe("10.2");
    expect(unknownRelease(e)).toBeUndefined();
    expect(e.predicted_error).toBe(
      "Machine type received is 'virt-7.2' and local is 'virt-10.2'\n" +
        "load of migration failed: Invalid argument: post load hook failed for: configuration, version_id: 1, minimum_version: 0, ret: -22",
    );
    // virt-10.0 was saved by 10.0 or later: 10.0 and 10.1 word as 7.2 did, 10.2 does not.
    const ten = await explain(src, path("newer-aarch64-virt-max.mig"));
    expect(ten.qemu_wording).toBe("10.1");
    expect(ten.predicted_error).toBe("Machine type received is 'virt-7.2' and local is 'virt-10.0'\nload of migration failed: Invalid argument");
    expect(unknownRelease(ten)).toMatch(/^the destination's QEMU release is not known \(its stream was saved by QEMU 10\.0 or later, before 11\.0\)/);
  });

  it("refuses a --dest-qemu that is not a version (exit 2)", async () => {
    const run = await runMain(inspectMain, ["explain", path(NEW), "--dest", path(OLD), "--dest-qemu", "latest"]);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stderr).toContain("--dest-qemu latest");
  });
});
