/**
 * `npm run fuzz -- --runs N --seed S [--samples a.mig,b.mig] [--memory-every K] [--out DIR]
 * [--hang-seconds T] [--only I]` (after a build: the commands run from the built packages,
 * the memory check from the bundles): a mutation campaign over the samples
 * (tools/fuzz/campaign.ts). Each mutant that breaks an invariant is saved to DIR with what it
 * broke, to become a regression test; one that has not finished after T seconds is saved as
 * a hang and ends the run (tools/fuzz/watchdog.ts). `--only I` checks mutant I alone, the
 * same mutant as in the run with that seed (to reproduce a finding). The figures go to
 * stderr every 100 mutants, to DIR/figures.json every 500 (a run stopped early still tells
 * how far it got), and to stdout as JSON at the end. Exits 1 when anything was broken.
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
const samples = values.samples?.split(",") ?? allSamples(SAMPLES_DIR);
const out = resolve(values.out!);
let found = 0;
const name = (i: number, what: string) => join(out, `${String(i).padStart(6, "0")}-${what}`);
const hangSeconds = Number(values["hang-seconds"]);
const watchdog = startWatchdog(hangSeconds);
const figures = await runCampaign({
  samplesDir: SAMPLES_DIR,
  samples,
  runs: Number(values.runs),
  seed: Number(values.seed),
  memoryEvery: Number(values["memory-every"]),
  memoryBoundMib: MEMORY_BOUND_MIB,
  ...(values.only === undefined ? {} : { only: Number(values.only) }),
  onStart(i, sample, mutator, detail) {
    mkdirSync(out, { recursive: true });
    const hang = { invariant: "hang", command: "one of them", detail: `no answer in ${hangSeconds} s` };
    const report = JSON.stringify({ sample, mutator, detail, seed: Number(values.seed), only: i, violations: [hang] }, null, 2) + "\n";
    watchdog.beat(`${name(i, "hang")}.json`, report, `fuzz: #${i} ${sample} ${mutator} (${detail}): hang: ${hang.detail} (npm run fuzz -- --seed ${values.seed} --only ${i})\n`);
  },
  onMutant(i, r, sofar) {
    if ((i + 1) % 100 === 0) process.stderr.write(`fuzz: ${progressLine(sofar, found)}\n`);
    if ((i + 1) % 500 === 0) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "figures.json"), JSON.stringify({ seed: Number(values.seed), samples: samples.length, ...sofar, mutantsWithViolations: found }, null, 2) + "\n");
    }
    if (r.violations.length === 0) return;
    found++;
    r.write(`${name(i, r.mutator)}.mig`);
    writeFileSync(`${name(i, r.mutator)}.json`, JSON.stringify({ sample: r.sample, mutator: r.mutator, detail: r.detail, seed: Number(values.seed), only: i, violations: r.violations }, null, 2) + "\n");
    for (const v of r.violations) process.stderr.write(`fuzz: #${i} ${r.sample} ${r.mutator} (${r.detail}): ${v.invariant} in ${v.command}: ${v.detail}\n`);
  },
});
watchdog.stop();
process.stdout.write(JSON.stringify({ seed: Number(values.seed), samples: samples.length, ...figures, mutantsWithViolations: found }, null, 2) + "\n");
process.exitCode = found > 0 ? 1 : 0;

/** The figures so far in one line: a run stopped early (or still going) says how far it got. */
function progressLine(f: Readonly<CampaignFigures>, withViolations: number): string {
  const refused = Object.entries(f.exits)
    .map(([command, codes]) => `${command} ${Object.entries(codes).map(([code, n]) => `${code}:${n}`).join("/")}`)
    .join("; ");
  const fds = `${f.descriptors.peak} descriptors open at most (${f.descriptors.start} at the start)`;
  return `${f.mutants} mutants, ${f.runs} runs, ${f.seconds} s, ${withViolations} with violations, peak RSS ${f.memory.peakMib.toFixed(0)} MiB over ${f.memory.measured}, ${fds}; exits: ${refused}`;
}
