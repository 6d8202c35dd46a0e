/**
 * The pure parts of tools/compat (no QEMU): the case list, the deprecation filter, the fix
 * summary and the README table. The matrix test trusts these to choose pairs and to report
 * them; a wrong case list or a broken marker block would go unnoticed there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compatCases, streamKey, streamsOf } from "../tools/compat/cases.js";
import { summariseFix } from "../tools/compat/fix-summary.js";
import { refusalLines } from "../tools/compat/qemu-lines.js";
import { repoRoot } from "../tools/qemu/binaries.js";
import { END, mergeMachines, renderTable, replaceBlock, START } from "../tools/compat/readme-table.js";
import { type MatrixRow, readRows, writeRows } from "../tools/compat/rows.js";

describe("compat case list", () => {
  const cases = compatCases();

  it("has the 36 pairs of issue #8, none into its own release or a missing machine type", () => {
    expect(cases).toHaveLength(36);
    for (const c of cases) {
      expect(c.dest).not.toBe(c.source.release);
      expect(c.dest.machines).toContain(c.source.guest.machine);
      expect(c.destStream.release).toBe(c.dest);
      expect(c.destStream.guest).toBe(c.source.guest);
    }
    const count = (from: string, into: string) => cases.filter((c) => c.source.release.name === from && c.dest.name === into).length;
    expect([count("11.1", "7.2"), count("11.1", "10.0"), count("10.0", "7.2"), count("7.2", "11.1")]).toEqual([8, 12, 8, 8]);
    expect(cases.some((c) => c.source.guest.machine === "virt-10.0" && c.dest.name === "7.2")).toBe(false);
  });

  it("captures each stream once", () => {
    const streams = streamsOf(cases);
    expect(new Set(streams.map(streamKey)).size).toBe(streams.length);
    expect(streams).toHaveLength(32);
  });
});

describe("refusalLines", () => {
  it("drops prefixes, blank lines and the deprecation warning, keeps other warnings", () => {
    const stderr = [
      "qemu-system-aarch64: warning: Machine type 'virt-7.2' is deprecated: machines more than 3 years old are subject to deletion after 6 years",
      "qemu-system-aarch64: warning: handle_cpreg_missing_in_incoming_stream: system register 0x200e0002 expected by the destination but not in the incoming stream: skip it",
      "",
      "qemu-system-aarch64: load of migration failed: Invalid argument",
    ].join("\n");
    expect(refusalLines(stderr)).toEqual([
      "warning: handle_cpreg_missing_in_incoming_stream: system register 0x200e0002 expected by the destination but not in the incoming stream: skip it",
      "load of migration failed: Invalid argument",
    ]);
  });
});

describe("summariseFix", () => {
  it("counts registers per kind and names dropped subsections", () => {
    expect(summariseFix(["--hide", "0x1,0x2,0x3", "--set", "0x4=1", "--set=0x5=2", "--add", "0x6=0", "--drop-subsection", "cpu/wfxt-timer"])).toBe(
      "hide 3 registers, set 2, add 1, drop cpu/wfxt-timer",
    );
    expect(summariseFix(["--set", "0x4=1"])).toBe("set 1 register");
    expect(summariseFix(["--strict"])).toBe("--strict");
    expect(summariseFix([])).toBe("nothing");
  });
});

describe("README table", () => {
  const row = (machine: string, result: string): MatrixRow => ({
    id: machine,
    source: { release: "11.1", machine, cpu: "cortex-a57" },
    dest: { release: "7.2" },
    qemu_says: "Invalid value 274 expecting positive value <= 258",
    fix: "hide 18 registers",
    fix_argv: ["--hide", "0x1"],
    result,
    passed: true,
  });

  it("merges rows that differ only in the machine type", () => {
    const merged = mergeMachines([row("virt-7.2", "loads"), row("virt-6.2", "loads"), row("virt-10.0", "refused")]);
    expect(merged.map((m) => m.machines)).toEqual([["virt-7.2", "virt-6.2"], ["virt-10.0"]]);
    const table = renderTable({ generated: "2026-01-02T00:00:00Z", versions: { "7.2": "v" }, rows: [row("virt-7.2", "a | b")] });
    expect(table).toContain("| 11.1 `virt-7.2` | `cortex-a57` | 7.2 | Invalid value 274 expecting positive value <= 258 | hide 18 registers | a \\| b |");
  });

  it("replaces only the marked block, and refuses a README without it", () => {
    const readme = `intro\n${START}\nold\n${END}\nrest\n`;
    expect(replaceBlock(readme, "new")).toBe(`intro\n${START}\nnew\n${END}\nrest\n`);
    expect(replaceBlock(replaceBlock(readme, "new"), "new")).toBe(replaceBlock(readme, "new"));
    expect(() => replaceBlock("no markers", "new")).toThrow(/compat-matrix:start/);
  });

  it("in README.md is the rendering of the committed rows (else: npm run compat-table)", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    expect(replaceBlock(readme, renderTable(readRows(join(repoRoot, "test", "compat-matrix.rows.json"))))).toBe(readme);
  });
});

describe("writeRows", () => {
  const row: MatrixRow = {
    id: "a-into-b",
    source: { release: "11.1", machine: "virt-7.2", cpu: "cortex-a57" },
    dest: { release: "7.2" },
    qemu_says: "",
    fix: "none",
    fix_argv: null,
    result: "loads",
    passed: true,
  };

  it("keeps the file (and its time) when a run saw the same, rewrites it when not", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmstate-rows-"));
    try {
      const path = join(dir, "rows.json");
      const old = { generated: "2000-01-01T00:00:00.000Z", versions: { "7.2": "v7" }, rows: [row] };
      writeFileSync(path, JSON.stringify(old));
      writeRows([row], { "7.2": "v7" }, path);
      expect(readRows(path)).toEqual(old);
      const changed = { ...row, passed: false };
      writeRows([changed], { "7.2": "v7" }, path);
      expect(readRows(path).rows).toEqual([changed]);
      expect(readRows(path).generated).not.toBe(old.generated);
      writeRows([changed], { "7.2": "v7.1" }, path);
      expect(readRows(path).versions).toEqual({ "7.2": "v7.1" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
