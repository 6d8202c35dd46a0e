/**
 * `npm run fuzz -- --runs N --seed S [--samples a.mig,b.mig] [--memory-every K] [--out DIR]`
 * (after a build: the commands run from the built packages, the memory check from the bundles):
 * a mutation campaign over the samples (tools/fuzz/campaign.ts). Each mutant that breaks an
 * invariant is saved to DIR with what it broke, to become a regression test; the figures go
 * to stdout as JSON at the end, and to DIR/figures.json every 500 mutants (a run stopped
 * early still tells how far it got). Exits 1 when anything was broken.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCampaign } from "./campaign.js";

const SAMPLES_DIR = resolve(import.meta.dirname, "../../samples");
/** The bound the README states, with the default --max-tail; fuzz mutants stay far below it. */
const MEMORY_BOUND_MIB = 300;

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
    samples: { type: "string" },
    "memory-every": { type: "string", default: "100" },
    out: { type: "string", default: "fuzz-findings" },
  },
});
const samples = values.samples?.split(",") ?? readdirSync(SAMPLES_DIR).filter((f) => f.endsWith(".mig")).sort();
const out = resolve(values.out!);
let found = 0;
const figures = await runCampaign({
  samplesDir: SAMPLES_DIR,
  samples,
  runs: Number(values.runs),
  seed: Number(values.seed),
  memoryEvery: Number(values["memory-every"]),
  memoryBoundMib: MEMORY_BOUND_MIB,
  onMutant(i, r, sofar) {
    if ((i + 1) % 100 === 0) process.stderr.write(`fuzz: ${i + 1} mutants, ${found} with violations\n`);
    if ((i + 1) % 500 === 0) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "figures.json"), JSON.stringify({ seed: Number(values.seed), samples: samples.length, ...sofar, mutantsWithViolations: found }, null, 2) + "\n");
    }
    if (r.violations.length === 0) return;
    found++;
    mkdirSync(out, { recursive: true });
    const name = `${String(i).padStart(6, "0")}-${r.mutator}`;
    writeFileSync(join(out, `${name}.mig`), r.bytes);
    writeFileSync(join(out, `${name}.json`), JSON.stringify({ sample: r.sample, mutator: r.mutator, detail: r.detail, violations: r.violations }, null, 2) + "\n");
    for (const v of r.violations) process.stderr.write(`fuzz: #${i} ${r.sample} ${r.mutator} (${r.detail}): ${v.invariant} in ${v.command}: ${v.detail}\n`);
  },
});
process.stdout.write(JSON.stringify({ seed: Number(values.seed), samples: samples.length, ...figures, mutantsWithViolations: found }, null, 2) + "\n");
process.exitCode = found > 0 ? 1 : 0;
