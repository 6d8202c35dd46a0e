/**
 * `-` as a value means standard input (or output) in every command and every spelling
 * (`-i -`, `--input -`, `--dest -`, `--dest=-`, `diff - B`), as users expect; only one
 * argument may read standard input, and only one write standard output (exit 2 otherwise).
 * Before, a long option followed by `-` was refused ("Unknown argument: -") and `report -o -`
 * wrote a file named `-`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const NEWER = join(SAMPLES_DIR, "newer-aarch64-virt-7.2-a57.mig");
const OLDER = join(SAMPLES_DIR, "aarch64-virt-7.2-a57.mig");
const BMAP2_SRC = join(SAMPLES_DIR, "simulated-kvm-bmap2-aarch64-virt-7.2-a57.mig");
const BMAP2 = "0x6030000000160003";
const dir = mkdtempSync(join(tmpdir(), "vmstate-dash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("vmstate-inspect: - as a value", () => {
  it("explain --dest - reads the destination from stdin, in every spelling and order, as --dest FILE does", async () => {
    const byFile = await runMain(inspectMain, ["explain", "--json", NEWER, "--dest", OLDER]);
    expect(byFile.code).toBe(6);
    const expected = JSON.parse(byFile.printed) as { destination: string };
    for (const argv of [
      ["explain", "--json", NEWER, "--dest", "-"],
      ["explain", "--json", NEWER, "--dest=-"],
      ["explain", "--json", "--dest", "-", NEWER],
    ]) {
      const r = await runMain(inspectMain, argv, { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(6);
      expect(JSON.parse(r.printed)).toEqual({ ...expected, destination: "<stdin>" });
    }
  });

  it("report --dest - -o - reads the destination from stdin and prints the page (no file named -)", async () => {
    const r = await runMain(inspectMain, ["report", NEWER, "--dest", "-", "--output", "-"], { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
    expect(r.code, r.stderr).toBe(6);
    expect(r.printed).toMatch(/^<!DOCTYPE html>/i);
    const short = await runMain(inspectMain, ["report", NEWER, "-o", "-"]);
    expect(short.code, short.stderr).toBe(0);
    expect(short.printed).toMatch(/^<!DOCTYPE html>/i);
    expect(existsSync("-")).toBe(false);
  });

  it("diff - B and diff A - read stdin as that side", async () => {
    const a = await runMain(inspectMain, ["diff", "--json", "-", OLDER], { stdin: [readSample("newer-aarch64-virt-7.2-a57.mig")] });
    const b = await runMain(inspectMain, ["diff", "--json", NEWER, "-"], { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
    const byFile = JSON.parse((await runMain(inspectMain, ["diff", "--json", NEWER, OLDER])).printed) as Record<string, unknown>;
    expect(JSON.parse(a.printed)).toEqual({ ...byFile, a: "<stdin>" });
    expect(JSON.parse(b.printed)).toEqual({ ...byFile, b: "<stdin>" });
  });

  it.each([
    [["diff", "-", "-"], "only one of A and B can be standard input"],
    [["explain", "-", "--dest", "-"], "only one of SRC and --dest can be standard input"],
    [["report", "-", "--dest=-"], "only one of SRC and --dest can be standard input"],
    [["extract-ram", NEWER, "-"], "extract-ram writes one file per RAM block into DIR: give a directory, not -"],
  ])("%j is a usage error", async (argv, message) => {
    const r = await runMain(inspectMain, argv, { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("a flag before - leaves - to the file argument (verify --json -)", async () => {
    const r = await runMain(inspectMain, ["verify", "--json", "-"], { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.printed) as { ok: boolean }).ok).toBe(true);
  });
});

describe("vmstate-rewrite: - as a value", () => {
  const src = () => [readSample("simulated-kvm-bmap2-aarch64-virt-7.2-a57.mig")];

  it("--input - --output - is -i - -o -: the stream from stdin to stdout", async () => {
    const short = await runMain(rewriteMain, ["-i", "-", "-o", "-", "--hide", BMAP2, "-q"], { stdin: src() });
    const long = await runMain(rewriteMain, ["--input", "-", "--output", "-", "--hide", BMAP2, "-q"], { stdin: src() });
    expect(short.code, short.stderr).toBe(0);
    expect(long.code, long.stderr).toBe(0);
    expect(short.stdout.length).toBeLessThan(src()[0]!.length);
    expect(Buffer.from(long.stdout).equals(Buffer.from(short.stdout))).toBe(true);
  });

  it("--hide-from - reads the register list from stdin (with -i FILE)", async () => {
    const byOption = await runMain(rewriteMain, ["-i", BMAP2_SRC, "--hide", BMAP2, "-q"]);
    const fromStdin = await runMain(rewriteMain, ["-i", BMAP2_SRC, "--hide-from", "-", "-q"], { stdin: [Buffer.from(`# a newer host's register\n${BMAP2}\n`)] });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(Buffer.from(fromStdin.stdout).equals(Buffer.from(byOption.stdout))).toBe(true);
    expect(fromStdin.stdout.length).toBeLessThan(src()[0]!.length);
  });

  it("--fit - reads the destination from stdin (with -i FILE), as --fit FILE does", async () => {
    const byFile = await runMain(rewriteMain, ["-i", NEWER, "--fit", OLDER, "-q"]);
    const fromStdin = await runMain(rewriteMain, ["-i", NEWER, "--fit", "-", "-q"], { stdin: [readSample("aarch64-virt-7.2-a57.mig")] });
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(Buffer.from(fromStdin.stdout).equals(Buffer.from(byFile.stdout))).toBe(true);
    expect(Buffer.from(byFile.stdout).equals(Buffer.from(readSample("newer-aarch64-virt-7.2-a57.mig")))).toBe(false);
  });

  it("--report-json - prints the report when the stream goes to a file, or nowhere (--dry-run)", async () => {
    const out = join(dir, "out.mig");
    const toFile = join(dir, "report.json");
    const byFile = await runMain(rewriteMain, ["-i", BMAP2_SRC, "-o", out, "--hide", BMAP2, "-q", "--report-json", toFile]);
    expect(byFile.code, byFile.stderr).toBe(0);
    const expected = JSON.parse(readFileSync(toFile, "utf8")) as unknown;
    const printed = await runMain(rewriteMain, ["-i", BMAP2_SRC, "-o", out, "--hide", BMAP2, "-q", "--report-json", "-"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.printed)).toEqual(expected);
    const dry = await runMain(rewriteMain, ["-i", BMAP2_SRC, "--dry-run", "--hide", BMAP2, "-q", "--report-json=-"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.printed) as { changes: unknown[] }).changes.length).toBeGreaterThan(0);
  });

  it.each([
    [["--fit", "-"], "only one of -i and --fit can be standard input"],
    [["-i", "-", "--hide-from", "-"], "only one of -i and --hide-from can be standard input"],
    [["-i", BMAP2_SRC, "--fit", "-", "--hide-from", "-"], "only one of --fit and --hide-from can be standard input"],
    [["-i", BMAP2_SRC, "--hide", BMAP2, "--report-json", "-"], "only one of -o and --report-json can be standard output"],
    [["--input", "-", "--in-place", "--hide", BMAP2], "--in-place needs an input file (-i FILE)"],
  ])("%j is a usage error", async (argv, message) => {
    const r = await runMain(rewriteMain, argv, { stdin: src() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout.length).toBe(0);
  });
});
