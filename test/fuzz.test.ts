/**
 * The mutation fuzzer (tools/fuzz/) with fixed seeds: no mutant may break an invariant of the
 * oracle (tools/fuzz/oracle.ts). Two hundred mutants of the streams and of a raw and a gzip
 * libvirt image, then a few of the samples that cost seconds a mutant (hundreds of MiB of
 * sparse file, or a slow compressor each way). Long runs over every sample:
 * `npm run fuzz -- --runs N --seed S`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCampaign, type CampaignFigures } from "../tools/fuzz/campaign.js";
import { xorshift } from "../tools/fuzz/mutate.js";
import { allSamples, loadSample } from "../tools/fuzz/targets.js";
import { checkJsonDocument } from "./support/json-schemas.js";
import { SAMPLES_DIR } from "./support/samples.js";
import { runMain } from "./support/cli.js";
import { sampleRecords } from "./support/damage.js";
import { rewriteMain } from "@vmstate/cli";

const SLOW = ["newer-aarch64-virt-mapped-ram.mig", "newer-aarch64-virt-mapped-ram-multifd.mig", "libvirt/sparse.sav", "libvirt/bzip2.sav", "libvirt/xz.sav", "libvirt/lzop.sav", "libvirt/zstd.sav"];

async function campaign(samples: string[], runs: number, seed: number): Promise<{ figures: CampaignFigures; broken: string[]; jsonDocuments: number }> {
  const broken: string[] = [];
  let jsonDocuments = 0;
  const figures = await runCampaign({
    samplesDir: SAMPLES_DIR,
    samples,
    runs,
    seed,
    onMutant: (i, r) => {
      broken.push(...r.violations.map((v) => `#${i} ${r.sample} ${r.mutator} (${r.detail}): ${v.invariant} in ${v.command}: ${v.detail}`));
      // What a damaged stream gets printed as JSON follows its schema too.
      for (const run of r.runs.filter((run) => run.argv.includes("--json") && run.out !== "")) {
        jsonDocuments++;
        try {
          checkJsonDocument(run.argv[0]!, run.out);
        } catch (e) {
          broken.push(`#${i} ${r.sample} ${r.mutator} (${r.detail}): schema in ${run.command}: ${(e as Error).message}`);
        }
      }
    },
  });
  return { figures, broken, jsonDocuments };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe("the fuzzer's fixed-seed runs", () => {
  it("every sample is fuzzed: streams, libvirt images raw, compressed and sparse, mapped-ram files", () => {
    const all = allSamples(SAMPLES_DIR);
    expect(all).toEqual(expect.arrayContaining([...SLOW, "libvirt/raw.sav", "libvirt/gzip.sav", "aarch64-virt-xbzrle.mig"]));
    expect(all.filter((s) => s.endsWith(".mig") && !s.includes("mapped-ram")).length).toBe(19);
  });

  it("breaks no invariant on 200 mutants of the streams and the raw and gzip images (seed 2026)", { timeout: 600_000 }, async () => {
    const { figures, broken, jsonDocuments } = await campaign(
      allSamples(SAMPLES_DIR).filter((s) => !SLOW.includes(s)),
      200,
      2026,
    );
    expect(broken).toEqual([]);
    expect(figures.mutants).toBe(200);
    expect(jsonDocuments).toBeGreaterThan(200);
    // The structure-aware mutators all ran, and most mutants were refused as bad streams.
    expect(Object.keys(figures.byMutator).sort()).toEqual(["bitflip", "cpreg-count", "duplicate-section", "ram-flags", "ram-length", "section-name", "tail-bytes", "truncate", "vmdesc-json", "vmdesc-length"]);
    expect(figures.exits["verify"]![1]).toBeGreaterThan(100);
    // Every command ran, on standard input and on a file.
    expect(Object.keys(figures.exits).sort()).toEqual(
      ["cpregs --json", "diff", "dump", "explain", "extract-ram", "rewrite (copy)", "rewrite --hide", "rewrite --in-place", "rewrite -i (copy)", "sections", "summary", "verify"].sort(),
    );
  });

  // The oracle lets a rewrite of a file pass a stream damaged only in the RAM it copies unread.
  // What the mark claims, tested as a user would see it: a rewrite of the file gives the same
  // answer as on the sample (it copies those bytes unread), and the mark is never on a
  // mutant that changed the device state or the vmdesc.
  it.each(["aarch64-virt-no-footer-no-config.mig", "aarch64-virt-7.2-a57.mig"])("marks as RAM-only only mutants a rewrite of the file cannot tell from %s", async (name) => {
    const sample = await loadSample(SAMPLES_DIR, name);
    const original = readFileSync(join(SAMPLES_DIR, name));
    const dir = mkdtempSync(join(tmpdir(), "vmstate-ram-only-"));
    const rewrite = async (bytes: Uint8Array) => {
      writeFileSync(join(dir, "in.mig"), bytes);
      rmSync(join(dir, "out.mig"), { force: true });
      const r = await runMain(rewriteMain, ["-i", join(dir, "in.mig"), "-o", join(dir, "out.mig"), "--hide", "ID_DFR0_EL1"]);
      return `${r.code} ${r.stderr}`;
    };
    try {
      const expected = await rewrite(original);
      // Every reader decodes what comes before the first page: header, configuration, RAM START.
      const firstPage = (await sampleRecords(name)).find((r) => r.kind === "ram" && (r.type === "page" || r.type === "zero"))!.start;
      const rng = xorshift(7);
      let marked = 0;
      let inHead = 0;
      for (let i = 0; i < 300; i++) {
        const m = sample.mutant(rng);
        const changed = !original.equals(m.bytes!);
        if (["cpreg-count", "vmdesc-json", "vmdesc-length", "tail-bytes", "duplicate-section"].includes(m.mutator) && changed) expect(m.ramOnly, `${m.mutator} ${m.detail}`).toBe(false);
        if (changed && firstDifference(original, m.bytes!) < firstPage) {
          inHead++;
          expect(m.ramOnly, `${m.mutator} ${m.detail}`).toBe(false);
        }
        if (!m.ramOnly || !changed || marked >= 25) continue;
        marked++;
        expect(await rewrite(m.bytes!), `${m.mutator} ${m.detail}`).toBe(expected);
      }
      expect(marked).toBe(25);
      expect(inHead).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--only checks the same mutants as the run with that seed, and those alone", async () => {
    const samples = ["aarch64-virt-7.2-a57.mig", "libvirt/gzip.sav", "aarch64-virt-xbzrle.mig"];
    const seen: string[] = [];
    const record = (to: string[]) => (i: number, s: string, made?: { mutator: string; detail: string }) => void (made && (to[i] = `${s} ${made.mutator} ${made.detail}`));
    const full = await runCampaign({ samplesDir: SAMPLES_DIR, samples, runs: 7, seed: 99, onStart: record(seen) });
    const alone: string[] = [];
    const only = await runCampaign({ samplesDir: SAMPLES_DIR, samples, runs: 0, seed: 99, only: [6, 4], onStart: record(alone) });
    expect(full.mutants).toBe(7);
    expect(only.mutants).toBe(2);
    expect(Object.keys(alone)).toEqual(["4", "6"]);
    expect([alone[4], alone[6]]).toEqual([seen[4], seen[6]]);
  });

  it("a mutant that never finishes is saved as a hang by the watchdog, which then kills the blocked process", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmstate-watchdog-"));
    try {
      const report = join(dir, "000007-hang.json");
      // The hang the watchdog is for: a synchronous wait that never returns to the event loop.
      const script = join(dir, "blocked.mts");
      writeFileSync(
        script,
        [
          `import { startWatchdog } from ${JSON.stringify(join(import.meta.dirname, "../tools/fuzz/watchdog.ts"))};`,
          `startWatchdog(2).beat(${JSON.stringify(report)}, '{"only":7}', "fuzz: #7 hang\\n");`,
          "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);",
        ].join("\n"),
      );
      const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 60_000 });
      expect(r.signal).toBe("SIGKILL");
      expect(r.stderr).toContain("fuzz: #7 hang\n");
      expect(existsSync(report) && JSON.parse(readFileSync(report, "utf8"))).toEqual({ only: 7 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("breaks no invariant on 14 mutants of the sparse files and the slow-to-compress images (seed 2027)", { timeout: 600_000 }, async () => {
    const { figures, broken } = await campaign(SLOW, 14, 2027);
    expect(broken).toEqual([]);
    expect(figures.mutants).toBe(14);
    expect(figures.exits["verify"]![1]).toBeGreaterThan(3);
  });
});
