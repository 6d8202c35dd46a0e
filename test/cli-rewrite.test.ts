/**
 * vmstate-rewrite as a user meets it, run in-process: memfs for files, in-memory stdin and
 * stdout. Exit codes, one-line errors, no partial output files, the report on stderr.
 */
import { describe, expect, it } from "vitest";
import { rewriteMain, type CliFs } from "@vmstate/cli";
import { readSample } from "./support/samples.js";
import { equalBytes } from "./support/decode.js";
import { runMain } from "./support/cli.js";
import { memFs } from "./support/memfs.js";

const ARM = readSample("aarch64-virt-max-4cpu.mig");
const X86 = readSample("x86_64-pc-seabios.mig");
/** A register every TCG `-cpu max` list holds, with a non-zero value (ID_PFR0_EL1, read-only). */
const REG = "0x603000000013c008";
/** A writable register every TCG `-cpu max` list holds, with a non-zero value (SCTLR_EL1). */
const STATE = "0x603000000013c080";

/** The memfs calls these tests use beyond the CLI's own. */
const view = (fs: CliFs) => fs as unknown as { readdirSync(dir: string): string[]; readFileSync(path: string): Buffer };

describe("vmstate-rewrite", () => {
  it("teaches in --help, with examples and exit codes", async () => {
    const r = await runMain(rewriteMain, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.printed).toContain("--hide");
    expect(r.printed).toContain("Failed to load cpu:cpreg_vmstate_array_len");
    expect(r.printed).toContain("Exit codes:");
  });

  it("refuses unknown options with exit 2 and a hint", async () => {
    const r = await runMain(rewriteMain, ["--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vmstate-rewrite: Unknown argument: frobnicate\nTry 'vmstate-rewrite --help'.\n$/);
  });

  it("takes --max-tail in whole MiB only, saying so with the option named, and says so in --help", async () => {
    for (const bad of ["1.5", "0", "-2", "abc", "1e12"]) {
      const r = await runMain(rewriteMain, ["--max-tail", bad], { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/^vmstate-rewrite: --max-tail takes a whole number of MiB, 1 or more \(got [^)]+\)\n/);
      expect(r.stdout.length).toBe(0);
    }
    const ok = await runMain(rewriteMain, ["--max-tail", "2"], { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
    expect(ok.code).toBe(0);
    const help = await runMain(rewriteMain, ["--help"]);
    expect(help.printed.replace(/\s+/g, " ")).toContain("--max-tail MiB (a whole number) of device state");
  });

  it("copies a valid stream from stdin to stdout byte for byte", async () => {
    const r = await runMain(rewriteMain, [], { stdin: [ARM] });
    expect(r.code).toBe(0);
    expect(equalBytes(r.stdout, ARM)).toBe(true);
    expect(r.stderr).toBe("");
  });

  it("reports damaged input in one line with the offset and section, exit 1", async () => {
    const damaged = ARM.slice(0, 300_000);
    const r = await runMain(rewriteMain, [], { stdin: [damaged] });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^vmstate-rewrite: input ends inside .* in ram \(0\) PART at offset 0x[0-9a-f]+ \(\d+\)\n$/);
  });

  it("leaves no file behind for -o when the input is bad", async () => {
    const fs = memFs({ "/d/in.mig": ARM.slice(0, 300_000) });
    const r = await runMain(rewriteMain, ["-i", "/d/in.mig", "-o", "/d/out.mig"], { fs });
    expect(r.code).toBe(1);
    expect(view(fs).readdirSync("/d")).toEqual(["in.mig"]);
  });

  it("rewrites in place, and leaves the original untouched when refused", async () => {
    const fs = memFs({ "/d/vm.mig": ARM });
    const refused = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--in-place", "--hide", STATE, "--strict"], { fs });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("--strict refuses this rewrite: cpu (0): hidden SCTLR_EL1 (0x603000000013c080) is guest-state (drops a non-zero value");
    // Nothing was written, and the report says so: "would hide", not "hid".
    expect(refused.stderr).toContain("cpu (0): would hide SCTLR_EL1 (0x603000000013c080)");
    expect(refused.stderr).not.toMatch(/: hid /);
    // Four vCPUs, four reasons: three shown, the rest counted, the line never cut mid-reason.
    expect(refused.stderr).toMatch(/; and 1 more \(each change is on its own report line\)\n/);
    expect(equalBytes(new Uint8Array(view(fs).readFileSync("/d/vm.mig")), ARM)).toBe(true);
    expect(view(fs).readdirSync("/d")).toEqual(["vm.mig"]);

    // Hiding a read-only register is `enforced`: --strict lets it through.
    const done = await runMain(rewriteMain, ["-i", "/d/vm.mig", "--in-place", "--hide", REG, "--strict"], { fs });
    expect(done.code).toBe(0);
    const out = new Uint8Array(view(fs).readFileSync("/d/vm.mig"));
    // Each of the 4 vCPUs loses one id and one value; the vmdesc text keeps its length.
    expect(out.length).toBe(ARM.length - 4 * 16);
    expect(done.stderr.match(/cpu \(\d\): hid ID_PFR0_EL1 \(0x603000000013c008\) = 0x11020131 \[enforced\]/g)).toHaveLength(4);
  });

  it("--dry-run reports without writing, --report-json writes the same as data", async () => {
    const fs = memFs({ "/d/vm.mig": ARM });
    const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "-o", "/d/out.mig", "--dry-run", "--hide", `${REG},VENDOR_HYP_BMAP_2`, "--report-json", "/d/report.json"], { fs });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("cpu (0): would hide ID_PFR0_EL1 (0x603000000013c008) = 0x11020131 [enforced]");
    expect(r.stderr).toContain("not in any vCPU, nothing to hide: 0x6030000000160003 KVM_REG_ARM_VENDOR_HYP_BMAP_2");
    expect(fs.existsSync("/d/out.mig")).toBe(false);
    const report = JSON.parse(fs.readFileSync("/d/report.json", "utf8"));
    expect(report.changes).toHaveLength(4);
    expect(report.changes[0]).toMatchObject({ vcpu: 0, kind: "hidden", id: REG, name: "ID_PFR0_EL1", oldValue: "0x0000000011020131", risk: "enforced" });
    expect(report.absent).toEqual([{ kind: "hide", id: "0x6030000000160003", name: "KVM_REG_ARM_VENDOR_HYP_BMAP_2" }]);
  });

  it("mentions the vmdesc's array_len only for a stream that has a vmdesc", async () => {
    const withVmdesc = await runMain(rewriteMain, ["--hide", REG], { stdin: [ARM] });
    expect(withVmdesc.stderr).toContain("(and the vmdesc array_len of both arrays)");
    const bare = await runMain(rewriteMain, ["--add", "KVM_REG_ARM_VENDOR_HYP_BMAP_2=0"], { stdin: [readSample("v11-aarch64-virt-7.2-a57-no-vmdesc.mig")] });
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stderr).toMatch(/cpu \(0\): change cpreg_vmstate_array_len 274 -> 275\n/);
  });

  it("reads ids from --hide-from, with comments", async () => {
    const fs = memFs({ "/d/hidden.txt": "# registers a 6.1 host lacks\nID_PFR0_EL1   # main id\n\n" });
    const r = await runMain(rewriteMain, ["--hide-from", "/d/hidden.txt", "--dry-run"], { fs, stdin: [ARM] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("would hide ID_PFR0_EL1 (0x603000000013c008)");
  });

  it("sets a present register and keeps the stream otherwise identical in size", async () => {
    const r = await runMain(rewriteMain, ["--set", `${REG}=0x410fd070`], { stdin: [ARM] });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(ARM.length);
    expect(r.stderr).toMatch(/cpu \(0\): set ID_PFR0_EL1 \(0x603000000013c008\) 0x11020131 -> 0x410fd070 \[enforced\]/);
  });

  it("--add and --drop-subsection: one line per change with its class, in the report too", async () => {
    const fs = memFs({ "/d/vm.mig": ARM });
    const args = ["-i", "/d/vm.mig", "--dry-run", "--add", "PIR_EL1=0x5", "--drop-subsection", "cpu/sve,cpu/wfxt-timer", "--report-json", "/d/r.json"];
    const r = await runMain(rewriteMain, args, { fs });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("vmstate-rewrite: cpu (0): would add PIR_EL1 (0x603000000013c513) = 0x5 [guest-state: the destination takes this value");
    expect(r.stderr).toMatch(/vmstate-rewrite: cpu \(3\): would drop subsection cpu\/sve \(\d+ bytes\) \[guest-state: /);
    expect(r.stderr).toContain("vmstate-rewrite: no section holds subsection cpu/wfxt-timer, nothing to drop");
    const report = JSON.parse(fs.readFileSync("/d/r.json", "utf8"));
    expect(report.changes.filter((c: { kind: string }) => c.kind === "dropped-subsection")).toHaveLength(4);
    expect(report.absent).toEqual([{ kind: "drop-subsection", name: "cpu/wfxt-timer" }]);
  });

  it("--drop-subsection inside a struct: the line and the report say where it was, and which sections it could not search", async () => {
    const fs = memFs({ "/d/vm.mig": X86, "/d/arm.mig": readSample("aarch64-virt-no-vmdesc.mig") });
    const r = await runMain(rewriteMain, ["-i", "/d/vm.mig", "-o", "/d/out.mig", "--drop-subsection", "fdrive/media_rate", "--report-json", "/d/r.json"], { fs });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("vmstate-rewrite: fdc (0): dropped subsection fdrive/media_rate within state / drives[1] (24 bytes) [guest-state: ");
    const report = JSON.parse(fs.readFileSync("/d/r.json", "utf8"));
    expect(report.changes.map((c: { within: string }) => c.within)).toEqual(["state / drives[0]", "state / drives[1]"]);
    expect(report.undecoded).toEqual([]);
    const arm = await runMain(rewriteMain, ["-i", "/d/arm.mig", "--dry-run", "--drop-subsection", "cpu/irq-line-state", "--report-json", "/d/a.json"], { fs });
    expect(arm.code, arm.stderr).toBe(0);
    expect(arm.stderr).toContain("vmstate-rewrite: cpu (0): would drop subsection cpu/irq-line-state (28 bytes)");
    expect(arm.stderr).not.toContain("holds subsection");
    const undecoded = JSON.parse(fs.readFileSync("/d/a.json", "utf8")).undecoded as { device: string; instance: number }[];
    expect(undecoded.length).toBeGreaterThan(4);
    const names = undecoded.slice(0, 4).map((u) => `${u.device} (${u.instance})`).join(", ");
    expect(arm.stderr).toContain(
      `vmstate-rewrite: warning: ${undecoded.length} section(s) could not be decoded (no vmdesc or built-in schema describes them), so a subsection nested in their structs would be left in place: ${names} and ${undecoded.length - 4} more\n`,
    );
    // A subsection found in no section that could be decoded is not claimed to be absent from all.
    const nested = await runMain(rewriteMain, ["-i", "/d/arm.mig", "--dry-run", "--drop-subsection", "ich9_pm/tco"], { fs });
    expect(nested.code, nested.stderr).toBe(0);
    expect(nested.stderr).toContain("vmstate-rewrite: no section that could be decoded holds subsection ich9_pm/tco, nothing to drop\n");
    const strict = await runMain(rewriteMain, ["-i", "/d/arm.mig", "--dry-run", "--strict", "--drop-subsection", "ich9_pm/tco"], { fs });
    expect(strict.code).toBe(4);
    expect(strict.stderr).toContain("--strict refuses this rewrite: no section that could be decoded holds ich9_pm/tco");
  });

  it("rejects a malformed subsection name and an id both hidden and added, exit 2", async () => {
    const bad = await runMain(rewriteMain, ["--drop-subsection", "wfxt-timer"], { stdin: [ARM] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"wfxt-timer" is not a subsection name such as cpu/wfxt-timer');
    const both = await runMain(rewriteMain, ["--hide", "PIR_EL1", "--add", "PIR_EL1=0"], { stdin: [ARM] });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("is asked to be both hidden and added");
  });

  it("refuses --hide on a stream without Arm cpu sections, exit 4", async () => {
    const r = await runMain(rewriteMain, ["--hide", REG], { stdin: [X86] });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no Arm cpu section with a register list (machine pc-i440fx-7.2)");
  });

  it("rejects a misspelt register with a suggestion, exit 2", async () => {
    const r = await runMain(rewriteMain, ["--hide", "VENDOR_HYP_BMAP2"], { stdin: [ARM] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("KVM_REG_ARM_VENDOR_HYP_BMAP_2");
  });

  it("draws progress while walking a file only when stderr is a terminal", async () => {
    const fs = memFs({ "/d/vm.mig": ARM });
    const tty = await runMain(rewriteMain, ["-i", "/d/vm.mig", "-o", "/d/o1.mig", "--check-ram"], { fs, stderrIsTTY: true });
    expect(tty.stderr).toContain("vmstate-rewrite [");
    const pipe = await runMain(rewriteMain, ["-i", "/d/vm.mig", "-o", "/d/o2.mig", "--check-ram"], { fs, stderrIsTTY: false });
    expect(pipe.stderr).toBe("");
  });
});
