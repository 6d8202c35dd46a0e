import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { xorshift } from "../../tools/fuzz/mutate.js";

import { SAMPLES_DIR } from "../../tools/samples/packed.js";

export { SAMPLES_DIR };

/** Every committed sample stream (real QEMU output, made by tools/capture-samples.ts). */
export function sampleFiles(): string[] {
  const files = readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith(".mig"))
    .sort();
  if (files.length === 0) throw new Error(`no samples in ${SAMPLES_DIR}: run npm run samples`);
  return files;
}

export function readSample(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SAMPLES_DIR, name)));
}

/** Deterministic pseudo-random numbers, so a failing split can be reproduced from its seed (the fuzzer's). */
export const rng = xorshift;

/** Cuts bytes into chunks of random sizes between 1 and `max`. */
export function randomChunks(bytes: Uint8Array, seed: number, max = 9000): Uint8Array[] {
  const next = rng(seed);
  const out: Uint8Array[] = [];
  for (let p = 0; p < bytes.length; ) {
    const n = 1 + Math.floor(next() * max);
    out.push(bytes.subarray(p, p + n));
    p += n;
  }
  return out;
}

/** One byte per chunk, lazily (a sample has hundreds of thousands). */
export function* oneByteChunks(bytes: Uint8Array): Generator<Uint8Array> {
  for (let p = 0; p < bytes.length; p++) yield bytes.subarray(p, p + 1);
}
