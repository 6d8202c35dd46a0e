/**
 * `vmstate-inspect dump`: QEMU analyze-migration.py compatibility (golden output of the real
 * script, byte for byte), pipes, streams without a vmdesc, and damaged streams.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectMain } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { randomChunks, readSample, sampleFiles, SAMPLES_DIR } from "./support/samples.js";

const GOLDEN = resolve(import.meta.dirname, "golden/analyze-migration");
const index = JSON.parse(readFileSync(join(GOLDEN, "index.json"), "utf8")) as {
  samples: Record<string, string>;
  golden: string[];
  unreadable: Record<string, string>;
};
const golden = (name: string) => readFileSync(join(GOLDEN, `${name}.json`), "utf8");
const dump = (args: string[], stdin?: Uint8Array[]) => runMain(inspectMain, ["dump", ...args], stdin ? { stdin } : {});

/** The first line where two texts differ, for a readable failure instead of a 400 KB diff. */
function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const x = a.split("\n");
  const y = b.split("\n");
  const i = x.findIndex((line, k) => line !== y[k]);
  const at = i < 0 ? x.length : i;
  return `line ${at + 1}: ours ${JSON.stringify(x[at])}, analyze-migration.py ${JSON.stringify(y[at])}`;
}

describe("golden analyze-migration.py output", () => {
  it("covers every sample, made from the committed capture", () => {
    for (const name of sampleFiles()) {
      const sha = createHash("sha256").update(readSample(name)).digest("hex");
      expect(index.samples[name], `${name} changed since the golden data were made: run tools/gen-analyze-migration-golden.ts`).toBe(sha);
      expect(index.golden.includes(name) || index.unreadable[name] !== undefined, name).toBe(true);
    }
  });

  it("leaves out only the samples the script cannot read", () => {
    expect(Object.keys(index.unreadable).sort()).toEqual([
      "aarch64-virt-compress.mig", "aarch64-virt-no-vmdesc.mig", "aarch64-virt-xbzrle.mig",
      "v11-aarch64-virt-7.2-a57-no-vmdesc.mig", "v11-aarch64-virt-max-no-vmdesc.mig",
    ]);
  });
});

describe.each(index.golden)("dump --format analyze-migration %s", (name) => {
  it("prints what analyze-migration.py -d state printed, byte for byte", async () => {
    const r = await dump(["--format", "analyze-migration", join(SAMPLES_DIR, name)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(firstDifference(r.printed, golden(name))).toBeUndefined();
  });
});

describe("dump reads what analyze-migration.py cannot", () => {
  it("reads a pipe (stdin in random chunks) and prints the same document", async () => {
    const name = "aarch64-virt-7.2-a57.mig";
    const r = await dump(["--format", "analyze-migration", "-"], randomChunks(readSample(name), 3, 5000));
    expect(r.code).toBe(0);
    expect(firstDifference(r.printed, golden(name))).toBeUndefined();
    const text = await dump(["-"], randomChunks(readSample(name), 4, 3000));
    expect(text.printed).toBe((await dump([join(SAMPLES_DIR, name)])).printed);
  });

  it("decodes the Arm cpu section of a stream without vmdesc with the built-in schema", async () => {
    const r = await dump(["--json", join(SAMPLES_DIR, "aarch64-virt-no-vmdesc.mig")]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.printed) as { vmdesc: boolean; sections: { name: string; delimitedBy: string; fields?: { name: string; values?: unknown[]; count?: number }[] }[] };
    expect(doc.vmdesc).toBe(false);
    const cpu = doc.sections.find((s) => s.name === "cpu")!;
    expect(cpu.delimitedBy).toBe("schema");
    const len = cpu.fields!.find((f) => f.name === "cpreg_vmstate_array_len")!.values![0] as number;
    expect(len).toBeGreaterThan(100);
    expect(cpu.fields!.find((f) => f.name === "cpreg_vmstate_indexes")!.count).toBe(len);
    // The other sections are shown as bytes, delimited by their footers.
    expect(doc.sections.find((s) => s.name === "timer")!.delimitedBy).toBe("footer-scan");
  });

  it("gives the no-vmdesc cpu section the keys QEMU 7.2's own vmdesc gives the same CPU", async () => {
    const ours = JSON.parse((await dump(["--format", "analyze-migration", join(SAMPLES_DIR, "aarch64-virt-no-vmdesc.mig")])).printed) as Record<string, Record<string, unknown>>;
    const theirs = JSON.parse(golden("aarch64-virt-7.2-a57.mig")) as Record<string, Record<string, unknown>>;
    const cpuOf = (doc: Record<string, Record<string, unknown>>) => Object.entries(doc).find(([k]) => k.startsWith("cpu ("))![1];
    // The schema spells the timers as QEMU >= 9.0 does (gt_timer[GTIMER_PHYS]); 7.2 wrote gt_timer[0].
    const keys = (o: Record<string, unknown>) => Object.keys(o).map((k) => k.replace("GTIMER_PHYS", "0").replace("GTIMER_VIRT", "1"));
    expect(keys(cpuOf(ours))).toEqual(keys(cpuOf(theirs)));
    expect(cpuOf(ours)["cpreg_vmstate_indexes"]).toEqual(cpuOf(theirs)["cpreg_vmstate_indexes"]);
  });

  it("names on stderr the sections it leaves out of the analyze-migration document without vmdesc", async () => {
    const r = await dump(["--format", "analyze-migration", join(SAMPLES_DIR, "aarch64-virt-no-vmdesc.mig")]);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.printed) as object)).toEqual([expect.stringMatching(/^ram \(\d+\)$/), expect.stringMatching(/^cpu \(\d+\)$/)]);
    expect(r.stderr).toMatch(/left out timer \(0\) at offset 0x[0-9a-f]+: no vmdesc/);
  });

  it.each(["aarch64-virt-compress.mig", "aarch64-virt-xbzrle.mig"])("dumps %s (compressed/XBZRLE RAM)", async (name) => {
    const r = await dump(["--format", "analyze-migration", join(SAMPLES_DIR, name)]);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.printed) as object).some((k) => k.startsWith("arm_gic ("))).toBe(true);
  });
});

describe("dump as text", () => {
  it.each(sampleFiles())("fits 80 columns and shows every section of %s", async (name) => {
    const r = await dump([join(SAMPLES_DIR, name)]);
    expect(r.code).toBe(0);
    // Lines naming the file repeat the path the user typed, which may be any length.
    const long = r.printed.split("\n").filter((l) => l.length > 80 && !l.includes(SAMPLES_DIR));
    expect(long).toEqual([]);
    expect(r.printed).toMatch(/^cpu \(0\) {2}section \d+, version \d+/m);
  });

  it("prints everything before the damage, then the error with offset and path (exit 1)", async () => {
    const bytes = readSample("aarch64-virt-7.2-a57.mig");
    const gic = Buffer.from(bytes).indexOf("arm_gic");
    const r = await dump(["-"], [bytes.subarray(0, gic + 2000)]);
    expect(r.code).toBe(1);
    expect(r.printed).toMatch(/^timer \(0\)/m);
    expect(r.printed).toMatch(/^cpu \(0\)/m);
    expect(r.printed).not.toMatch(/^pl011/m);
    expect(r.stderr).toMatch(/^vmstate-inspect: .* in arm_gic \(0\) at offset 0x[0-9a-f]+ \(\d+\)\n$/);
  });

  it("prints the JSON of what decoded before the damage, marked incomplete", async () => {
    const bytes = readSample("aarch64-virt-7.2-a57.mig");
    const r = await dump(["--json", "-"], [bytes.subarray(0, bytes.length - 100)]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.printed) as { complete: boolean; sections: unknown[] };
    expect(doc.complete).toBe(false);
    expect(doc.sections.length).toBeGreaterThan(10);
    expect(r.stderr).toMatch(/at offset 0x/);
  });
});
