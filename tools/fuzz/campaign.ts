/**
 * A fuzzing campaign: mutants of every sample in turn, each checked by the oracle, figures
 * kept. Shared by `npm run fuzz` (long runs) and the test suite (a fixed seed, a few hundred).
 */
import { readdirSync } from "node:fs";
import { xorshift } from "./mutate.js";
import { check, type Run, type Violation } from "./oracle.js";
import { peakRss } from "./memory.js";
import { loadSample, type FuzzSample } from "./targets.js";

/** A register every Arm sample holds, for the `--hide` run. */
const HIDE_ID = "ID_DFR0_EL1";

export interface CampaignOptions {
  samplesDir: string;
  /** Names as {@link ./targets.ts allSamples} gives them (`x.mig`, `libvirt/gzip.sav`). */
  samples: readonly string[];
  runs: number;
  seed: number;
  /** Measure peak RSS in child processes for one mutant in so many (0: never). */
  memoryEvery?: number;
  /** Peak RSS allowed, in MiB. */
  memoryBoundMib?: number;
  /**
   * A watchdog's heartbeat: called before mutant `i` is made (`made` undefined: making one
   * runs a compressor for a compressed image), then before it is checked.
   */
  onStart?: (i: number, sample: string, made?: { mutator: string; detail: string }) => void;
  /** Called after each mutant (progress, saving failures), with the figures so far. */
  onMutant?: (i: number, result: MutantResult, figures: Readonly<CampaignFigures>) => void;
  /**
   * Check only these mutant numbers (to reproduce findings): the others before the last are
   * made and dropped, which draws the same random numbers as the run that found them.
   */
  only?: readonly number[];
}

export interface MutantResult {
  sample: string;
  mutator: string;
  detail: string;
  /** Writes the mutant to a file (to save a finding). */
  write(path: string): void;
  /** Each command's run on the mutant. */
  runs: Run[];
  violations: Violation[];
}

/** What a campaign found, for the README and the test. */
export interface CampaignFigures {
  mutants: number;
  runs: number;
  seconds: number;
  byMutator: Record<string, number>;
  /** Exit codes seen, by command. */
  exits: Record<string, Record<number, number>>;
  violations: number;
  /** Mutants whose peak RSS was measured, and the largest peak seen (MiB). */
  memory: { measured: number; peakMib: number };
  /** This process's open descriptors before the first mutant and at most after one. */
  descriptors: { start: number; peak: number };
}

/**
 * Descriptors a mutant may leave open for a moment (the pipes of a program being reaped)
 * before the campaign calls it a leak: one per failed command adds up past it within tens
 * of mutants.
 */
const DESCRIPTOR_SLACK = 32;

function openDescriptors(): number {
  return readdirSync("/proc/self/fd").length;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignFigures> {
  const started = Date.now();
  const targets: FuzzSample[] = [];
  for (const sample of o.samples) targets.push(await loadSample(o.samplesDir, sample));
  const rng = xorshift(o.seed);
  const start = openDescriptors();
  const figures: CampaignFigures = { mutants: 0, runs: 0, seconds: 0, byMutator: {}, exits: {}, violations: 0, memory: { measured: 0, peakMib: 0 }, descriptors: { start, peak: start } };
  const only = o.only === undefined ? undefined : new Set(o.only);
  // Not Math.max(...only): a list of a hundred thousand numbers overflows the call stack.
  const end = only === undefined ? o.runs : o.only!.reduce((a, b) => Math.max(a, b + 1), 0);
  let baseline = start;
  for (let i = 0; i < end; i++) {
    const t = targets[i % targets.length]!;
    o.onStart?.(i, t.sample);
    const m = t.mutant(rng);
    if (only !== undefined && !only.has(i)) continue;
    o.onStart?.(i, t.sample, m);
    const { runs, violations } = await check(m, t.path, HIDE_ID, i);
    const open = openDescriptors();
    figures.descriptors.peak = Math.max(figures.descriptors.peak, open);
    if (open > baseline + DESCRIPTOR_SLACK) {
      // Said once per so many: a leak builds up over mutants, and this one need not be its cause.
      violations.push({ invariant: "descriptors", command: "all", detail: `${open} open, ${open - baseline} more than at ${baseline === start ? "the start" : "the last report"}` });
      baseline = open;
    }
    if (o.memoryEvery && i % o.memoryEvery === 0) {
      figures.memory.measured++;
      for (const { command, mib } of peakRss(m, HIDE_ID)) {
        figures.memory.peakMib = Math.max(figures.memory.peakMib, mib);
        if (!(mib <= (o.memoryBoundMib ?? Infinity))) violations.push({ invariant: "memory", command, detail: `peak RSS ${mib.toFixed(0)} MiB` });
      }
    }
    figures.mutants++;
    figures.runs += runs.length;
    figures.byMutator[m.mutator] = (figures.byMutator[m.mutator] ?? 0) + 1;
    for (const r of runs) {
      const e = (figures.exits[r.command] ??= {});
      e[r.code] = (e[r.code] ?? 0) + 1;
    }
    figures.violations += violations.length;
    figures.seconds = Math.round((Date.now() - started) / 1000);
    o.onMutant?.(i, { sample: t.sample, mutator: m.mutator, detail: m.detail, write: m.write, runs, violations }, figures);
  }
  return figures;
}
