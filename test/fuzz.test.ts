/**
 * The mutation fuzzer (tools/fuzz/) with a fixed seed over every sample: no mutant may break
 * an invariant of the oracle (tools/fuzz/oracle.ts). Long runs: `npm run fuzz -- --runs N --seed S`.
 */
import { expect, it } from "vitest";
import { runCampaign } from "../tools/fuzz/campaign.js";
import { checkJsonDocument } from "./support/json-schemas.js";
import { SAMPLES_DIR, sampleFiles } from "./support/samples.js";

it("breaks no invariant on 200 mutants of the samples (seed 2026)", async () => {
  const broken: string[] = [];
  let jsonDocuments = 0;
  const figures = await runCampaign({
    samplesDir: SAMPLES_DIR,
    samples: sampleFiles(),
    runs: 200,
    seed: 2026,
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
  expect(broken).toEqual([]);
  expect(figures.mutants).toBe(200);
  expect(jsonDocuments).toBeGreaterThan(200);
  // The structure-aware mutators all ran, and most mutants were refused as bad streams.
  expect(Object.keys(figures.byMutator).length).toBe(10);
  expect(figures.exits["verify"]![1]).toBeGreaterThan(100);
});
