import { describe, expect, it } from "vitest";
import { oneByteChunks, randomChunks, readSample, sampleFiles } from "./support/samples.js";
import { equalBytes, reencode } from "./support/decode.js";

/**
 * Every real sample decodes and encodes back byte for byte: from the original record bytes,
 * and from the structured form, whatever the input's chunking.
 */
describe.each(sampleFiles())("round trip of %s", (name) => {
  const bytes = readSample(name);

  it("is byte-identical when fed whole", async () => {
    expect(equalBytes(await reencode([bytes], false), bytes)).toBe(true);
  });

  it("is byte-identical re-encoded from structure", async () => {
    expect(equalBytes(await reencode([bytes], true), bytes)).toBe(true);
  });

  it("is byte-identical in random splits", async () => {
    for (const seed of [1, 2, 3]) {
      expect(equalBytes(await reencode(randomChunks(bytes, seed), seed === 2), bytes), `seed ${seed}`).toBe(true);
    }
  });

  it("is byte-identical fed one byte at a time", async () => {
    expect(equalBytes(await reencode(oneByteChunks(bytes), true), bytes)).toBe(true);
  });
});
