/**
 * Stream properties (fast-check): encode(decode(x)) = x for every sample, whatever the
 * input's chunking; and on the stream, --add of a hidden register with its value gives back
 * the bytes --hide started from, and --hide of the added register the hidden stream
 * (register-list edits commuting with sorting: packages/arm/src/cpreg-edit.property.test.ts).
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
  // Every sample, each in random splits (fc.constantFrom would draw some samples and not others),
  // and the raw libvirt image, whose header and XML area round-trip too.
  it.each([...sampleFiles(), "libvirt/raw.sav"])("%s, in random splits, from the bytes and from structure", async (name) => {
    const bytes = readSample(name);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), async (points, fromStructure) => {
        expect(equalBytes(await reencode(split(bytes, points), fromStructure), bytes)).toBe(true);
      }),
      { numRuns: 3 },
    );
  });
});

describe("hide and add undo each other", () => {
  const ARM = ["aarch64-virt-7.2-a57.mig", "aarch64-virt-max-4cpu.mig", "v11-aarch64-virt-max.mig", "aarch64-virt-no-vmdesc.mig"];

  it("add after hide gives back the stream, and hide after add gives back the hidden one, for any register of any vCPU list", async () => {
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
        // hide∘add = identity, on the stream without the register.
        const again = await runMain(rewriteMain, ["--hide", reg.id], { stdin: [back.stdout] });
        expect(again.code, again.stderr).toBe(0);
        expect(equalBytes(again.stdout, hidden.stdout)).toBe(true);
      }),
      { numRuns: 8 },
    );
  });
});
