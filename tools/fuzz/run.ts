/**
 * `npm run fuzz -- --runs N --seed S [--samples a.mig,b.mig] [--memory-every K] [--out DIR]
 * [--hang-seconds T] [--only I,J,…]` (after a build: the commands run from the built
 * packages, the memory check from the bundles): a mutation campaign over the samples
 * (tools/fuzz/campaign.ts). Each mutant that breaks an invariant is saved to DIR with what it
 * broke, to become a regression test; one that has not finished after T seconds is
 * described in DIR as a hang and ends the run (tools/fuzz/watchdog.ts). `--only I,J` checks
 * those mutants alone, the same as in the run with that seed and those samples (to
 * reproduce findings). The figures go to stderr every 100 mutants, to DIR/figures.json
 * every 500 (a run stopped early still tells how far it got), and to stdout as JSON at the
 * end. Exits 1 when anything was broken, 2 for a bad option.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCampaign, type CampaignFigures } from "./campaign.js";
import { allSamples } from "./targets.js";
import { startWatchdog } from "./watchdog.js";

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
    "hang-seconds": { type: "string", default: "300" },
    only: { type: "string" },
  },
});
/** A whole number at least `min`, or the run stops here: a NaN would make a silent empty run. */
function count(option: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`fuzz: --${option} wants a whole number of at least ${min}, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}
const runs = count("runs", values.runs!, 0);
const seed = count("seed", values.seed!, 0);
const memoryEvery = count("memory-every", values["memory-every"]!, 0);
const hangSeconds = count("hang-seconds", values["hang-seconds"]!, 1);
const only = values.only?.split(",").map((n) => count("only", n, 0));
const samples = values.samples?.split(",") ?? allSamples(SAMPLES_DIR);
const out = resolve(values.out!);
let found = 0;
const name = (i: number, what: string) => join(out, `${String(i).padStart(6, "0")}-${what}`);
/** What a finding's JSON says besides its violations: enough to check the mutant again. */
const origin = (i: number) => ({ seed, only: i, samples: values.samples ?? "all" });
const watchdog = startWatchdog(hangSeconds);
const figures = await runCampaign({
  samplesDir: SAMPLES_DIR,
  samples,
  runs,
  seed,
  memoryEvery,
  memoryBoundMib: MEMORY_BOUND_MIB,
  ...(only === undefined ? {} : { only }),
  onStart(i, sample, made) {
    const what = made === undefined ? "while making the mutant" : `${made.mutator} (${made.detail.slice(0, 500)})`;
    // A hang can come from what the mutant before left running: check both.
    const hang = { invariant: "hang", command: "one of them", detail: `no answer in ${hangSeconds} s; check again with --only ${i === 0 ? i : `${i - 1},${i}`}` };
    const report = JSON.stringify({ sample, mutator: made?.mutator, detail: made?.detail.slice(0, 500), ...origin(i), violations: [hang] }, null, 2) + "\n";
    watchdog.beat(`${name(i, "hang")}.json`, report, `fuzz: #${i} ${sample} ${what}: hang: ${hang.detail}\n`);
  },
  onMutant(i, r, sofar) {
    if ((i + 1) % 100 === 0) process.stderr.write(`fuzz: ${progressLine(sofar, found)}\n`);
    if ((i + 1) % 500 === 0) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "figures.json"), JSON.stringify({ seed, samples: samples.length, ...sofar, mutantsWithViolations: found }, null, 2) + "\n");
    }
    if (r.violations.length === 0) return;
    found++;
    mkdirSync(out, { recursive: true });
    r.write(`${name(i, r.mutator)}.mig`);
    writeFileSync(`${name(i, r.mutator)}.json`, JSON.stringify({ sample: r.sample, mutator: r.mutator, detail: r.detail, ...origin(i), violations: r.violations }, null, 2) + "\n");
    for (const v of r.violations) process.stderr.write(`fuzz: #${i} ${r.sample} ${r.mutator} (${r.detail}): ${v.invariant} in ${v.command}: ${v.detail}\n`);
  },
});
watchdog.stop();
process.stdout.write(JSON.stringify({ seed, samples: samples.length, ...figures, mutantsWithViolations: found }, null, 2) + "\n");
process.exitCode = found > 0 ? 1 : 0;

/** The figures so far in one line: a run stopped early (or still going) says how far it got. */
function progressLine(f: Readonly<CampaignFigures>, withViolations: number): string {
  const refused = Object.entries(f.exits)
    .map(([command, codes]) => `${command} ${Object.entries(codes).map(([code, n]) => `${code}:${n}`).join("/")}`)
    .join("; ");
  const fds = `${f.descriptors.peak} descriptors open at most (${f.descriptors.start} at the start)`;
  return `${f.mutants} mutants, ${f.runs} runs, ${f.seconds} s, ${withViolations} with violations, peak RSS ${f.memory.peakMib.toFixed(0)} MiB over ${f.memory.measured}, ${fds}; exits: ${refused}`;
}
