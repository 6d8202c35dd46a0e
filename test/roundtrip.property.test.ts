/**
 * Stream properties (fast-check): encode(decode(x)) = x for every sample, whatever the
 * input's chunking; and on the stream, --add of a hidden register with its value gives back
 * the bytes --hide started from.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { equalBytes, reencode } from "./support/decode.js";
import { readSample, sampleFiles } from "./support/samples.js";

/** `bytes` cut at the given points (any numbers: taken modulo the length, sorted). */
function split(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => p % bytes.length))].sort((a, b) => a - b);
  return [0, ...cuts].map((c, i, all) => bytes.subarray(c, all[i + 1] ?? bytes.length));
}

describe("encode(decode(x)) = x", () => {
  it("for every sample in random splits, from the bytes and from structure", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sampleFiles()), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), async (name, points, fromStructure) => {
        const bytes = readSample(name);
        expect(equalBytes(await reencode(split(bytes, points), fromStructure), bytes)).toBe(true);
      }),
      { numRuns: 24 },
    );
  });
});

describe("hide then add", () => {
  const ARM = ["aarch64-virt-7.2-a57.mig", "aarch64-virt-max-4cpu.mig", "v11-aarch64-virt-max.mig", "aarch64-virt-no-vmdesc.mig"];

  it("gives back the stream for any register of any vCPU list", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ARM), fc.nat(), async (name, pick) => {
        const bytes = readSample(name);
        const cpus = JSON.parse((await runMain(inspectMain, ["cpregs", "--json", "-"], { stdin: [bytes] })).printed) as { cpus: { registers: { id: string; value: string }[] }[] };
        // A register every vCPU holds at one value: --add puts one value into every vCPU.
        const first = cpus.cpus[0]!.registers;
        const candidates = first.filter((r) => cpus.cpus.every((c) => c.registers.some((x) => x.id === r.id && x.value === r.value)));
        const reg = candidates[pick % candidates.length]!;
        const hidden = await runMain(rewriteMain, ["--hide", reg.id], { stdin: [bytes] });
        expect(hidden.code, hidden.stderr).toBe(0);
        const back = await runMain(rewriteMain, ["--add", `${reg.id}=${reg.value}`], { stdin: [hidden.stdout] });
        expect(back.code, back.stderr).toBe(0);
        expect(equalBytes(back.stdout, bytes)).toBe(true);
      }),
      { numRuns: 8 },
    );
  });
});
