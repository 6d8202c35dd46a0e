/**
 * The programs in examples/ run against the built packages, as a user's project would, and
 * give what the CLI gives for the same job (`npm test` type-checks them: tsc -p examples).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { decodeAll } from "./support/decode.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const root = resolve(import.meta.dirname, "..");
const sampleName = "aarch64-virt-max-1cpu.mig";
const sample = join(SAMPLES_DIR, sampleName);
const dir = mkdtempSync(join(tmpdir(), "vmstate-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an example with tsx; its standard output. */
function example(name: string, args: string[]): string {
  return execFileSync(join(root, "node_modules/.bin/tsx"), [join(root, "examples", `${name}.ts`), ...args], { cwd: dir, encoding: "utf8" });
}

describe("examples", () => {
  it("decode-sections prints every START and FULL section in stream order", async () => {
    const expected = (await decodeAll([readSample(sampleName)])).flatMap((r) =>
      r.kind === "section" && (r.type === "start" || r.type === "full") ? [`${r.idstr} instance ${r.instanceId} version ${r.version}`] : [],
    );
    const lines = example("decode-sections", [sample]).trim().split("\n");
    expect(lines.slice(0, -1).map((l) => l.replace(/^[0-9a-f]{8} {2}\w+ +/, ""))).toEqual(expected);
    expect(lines.at(-1)).toBe(`machine virt-7.2, ${readSample(sampleName).length} bytes`);
  });

  it("list-registers lists what vmstate-inspect cpregs lists", async () => {
    const cli = (JSON.parse((await runMain(inspectMain, ["cpregs", "--json", sample])).printed) as { cpus: { registers: { id: string; value: string; name: string }[] }[] }).cpus;
    const listed = example("list-registers", [sample]).split("\n").filter((l) => l.startsWith("  ")).map((l) => l.trim().split(/ {2}/));
    expect(listed).toEqual(cli.flatMap((cpu) => cpu.registers.map((r) => [r.id, r.value, r.name])));
  });

  it("hide-register writes the bytes vmstate-rewrite --hide writes", async () => {
    const out = join(dir, "hidden.mig");
    const printed = example("hide-register", [sample, out, "ID_AA64DFR1_EL1"]);
    expect(printed).toMatch(/^cpu 0: hidden 0x603000000013c029 ID_AA64DFR1_EL1/m);
    const cli = await runMain(rewriteMain, ["-q", "-i", sample, "--hide", "ID_AA64DFR1_EL1"]);
    expect(cli.code).toBe(0);
    expect(Buffer.compare(readFileSync(out), cli.stdout)).toBe(0);
    expect(readFileSync(out).length).toBeLessThan(readSample(sampleName).length);
  });

  it("extract-ram writes the files vmstate-inspect extract-ram writes", async () => {
    const mine = join(dir, "ram-example");
    const theirs = join(dir, "ram-cli");
    example("extract-ram", [sample, mine]);
    expect((await runMain(inspectMain, ["extract-ram", sample, theirs])).code).toBe(0);
    const names = readdirSync(theirs).sort();
    expect(names.length).toBeGreaterThan(0);
    expect(readdirSync(mine).sort()).toEqual(names);
    for (const n of names) expect(Buffer.compare(readFileSync(join(mine, n)), readFileSync(join(theirs, n))), n).toBe(0);
  });
});
