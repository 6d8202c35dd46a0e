/**
 * A stream with bytes changed must fail with a VmstateError, never with another error, never
 * by hanging. (Streams cut short: damage-cuts.test.ts; the two files run in parallel.)
 */
import { describe, expect, it } from "vitest";
import { VmstateError } from "@vmstate/wire";
import { readSample, rng, sampleFiles } from "./support/samples.js";
import { decodeError } from "./support/decode.js";
import { sampleRecords } from "./support/damage.js";

describe.each(sampleFiles())("%s with bytes changed", (name) => {
  const bytes = readSample(name);

  it("reports flipped bytes in section headers as VmstateErrors", async () => {
    const records = await sampleRecords(name);
    const headers = records.filter((r) => r.kind === "section" || r.kind === "footer" || r.kind === "header" || r.kind === "configuration");
    const next = rng(5);
    for (const h of headers) {
      for (let k = 0; k < 3; k++) {
        const at = h.start + Math.floor(next() * (h.end - h.start));
        const damaged = bytes.slice();
        damaged[at] = damaged[at]! ^ (1 << Math.floor(next() * 8));
        const err = await decodeError([damaged]);
        // A flip can land in a byte nobody checks (a version number): then decoding succeeds.
        if (err !== undefined) expect(err, `flip at ${at} in ${h.kind}`).toBeInstanceOf(VmstateError);
      }
    }
  });

  it("survives random mutations with VmstateErrors only", async () => {
    const next = rng(99);
    for (let i = 0; i < 40; i++) {
      const damaged = bytes.slice();
      for (let k = 0; k < 4; k++) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
      const err = await decodeError([damaged]);
      if (err !== undefined) expect(err).toBeInstanceOf(VmstateError);
    }
  });
});
