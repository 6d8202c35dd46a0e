/**
 * The mutation fuzzer (tools/fuzz/) with a fixed seed over every sample: no mutant may break
 * an invariant of the oracle (tools/fuzz/oracle.ts). Long runs: `npm run fuzz -- --runs N --seed S`.
 */
import { expect, it } from "vitest";
import { runCampaign } from "../tools/fuzz/campaign.js";
import { SAMPLES_DIR, sampleFiles } from "./support/samples.js";

it("breaks no invariant on 200 mutants of the samples (seed 2026)", async () => {
  const broken: string[] = [];
  const figures = await runCampaign({
    samplesDir: SAMPLES_DIR,
    samples: sampleFiles(),
    runs: 200,
    seed: 2026,
    onMutant: (i, r) => broken.push(...r.violations.map((v) => `#${i} ${r.sample} ${r.mutator} (${r.detail}): ${v.invariant} in ${v.command}: ${v.detail}`)),
  });
  expect(broken).toEqual([]);
  expect(figures.mutants).toBe(200);
  // The structure-aware mutators all ran, and most mutants were refused as bad streams.
  expect(Object.keys(figures.byMutator).length).toBe(10);
  expect(figures.exits["verify"]![1]).toBeGreaterThan(100);
});
