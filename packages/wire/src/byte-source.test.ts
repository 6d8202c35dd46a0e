import { describe, expect, it } from "vitest";
import { ByteSource, TruncatedError, LimitError } from "./index.js";

/** Splits bytes into chunks at the given cut points. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const data = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff);

describe("ByteSource", () => {
  it("reads big-endian numbers across chunk boundaries", async () => {
    const src = new ByteSource(split(data, [1, 2, 3, 5, 9, 10]));
    await src.need(2);
    expect(src.be16()).toBe((data[0]! << 8) | data[1]!);
    await src.need(4);
    expect(src.be32()).toBe(((data[2]! << 24) >>> 0) + ((data[3]! << 16) | (data[4]! << 8) | data[5]!));
    await src.need(8);
    const hi = BigInt(((data[6]! << 24) >>> 0) + ((data[7]! << 16) | (data[8]! << 8) | data[9]!));
    const lo = BigInt(((data[10]! << 24) >>> 0) + ((data[11]! << 16) | (data[12]! << 8) | data[13]!));
    expect(src.be64()).toBe((hi << 32n) | lo);
    expect(src.offset).toBe(14);
  });

  it("gives the exact bytes of a marked record however the input is split", async () => {
    for (let trial = 0; trial < 200; trial++) {
      const cuts = [...new Set(Array.from({ length: 6 }, () => 1 + Math.floor(Math.random() * 62)))].sort((a, b) => a - b);
      const src = new ByteSource(split(data, cuts));
      await src.need(3);
      src.skip(3);
      src.mark();
      for (let i = 0; i < 5; i++) {
        await src.need(7);
        src.skip(7);
      }
      expect(Array.from(src.sliceFromMark())).toEqual(Array.from(data.subarray(3, 38)));
      src.mark();
      await src.need(26);
      expect(Array.from(src.bytes(26))).toEqual(Array.from(data.subarray(38, 64)));
      expect(Array.from(src.sliceFromMark())).toEqual(Array.from(data.subarray(38, 64)));
      expect(await src.atEnd()).toBe(true);
    }
  });

  it("reads one byte at a time from one-byte chunks", async () => {
    const src = new ByteSource(async function* () {
      for (const b of data) yield Uint8Array.of(b);
    }());
    const seen: number[] = [];
    while (!(await src.atEnd())) {
      await src.need(1);
      seen.push(src.u8());
    }
    expect(seen).toEqual(Array.from(data));
  });

  it("reports truncation with the offset where the missing bytes were due", async () => {
    const src = new ByteSource([data.subarray(0, 10)], 100);
    await src.need(4);
    src.skip(4);
    const err = await src.need(8, "a record").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TruncatedError);
    expect((err as TruncatedError).offset).toBe(104);
    expect((err as TruncatedError).message).toMatch(/input ends inside a record: needed 8 bytes, 6 left at offset 0x68/);
  });

  it("refuses to buffer a rest beyond its limit", async () => {
    const src = new ByteSource(split(data, [16, 32, 48]));
    await expect(src.readRest(40, "the tail")).rejects.toBeInstanceOf(LimitError);
    const ok = new ByteSource(split(data, [16, 32, 48]));
    await ok.need(1);
    ok.skip(1);
    expect(Array.from(await ok.readRest(100, "the tail"))).toEqual(Array.from(data.subarray(1)));
  });

  it("passes consumed input on as the very chunks read, then the read part of the last", async () => {
    for (let trial = 0; trial < 100; trial++) {
      const cuts = [...new Set(Array.from({ length: 5 }, () => 1 + Math.floor(Math.random() * 62)))].sort((a, b) => a - b);
      const chunks = split(data, cuts);
      const src = new ByteSource(chunks);
      const passed: Uint8Array[] = [];
      src.passConsumedTo((b) => void passed.push(b));
      // Reads that straddle chunk boundaries, as RAM records do.
      for (let i = 0; i < 6; i++) {
        await src.need(7);
        src.skip(7);
      }
      await src.stopPassing();
      const joined = passed.flatMap((b) => Array.from(b));
      expect(joined).toEqual(Array.from(data.subarray(0, 42)));
      // Every piece but the last is one of the input's own chunks, not a copy.
      for (const piece of passed.slice(0, -1)) expect(chunks).toContain(piece);
      await src.need(22);
      expect(Array.from(src.bytes(22))).toEqual(Array.from(data.subarray(42)));
      expect(passed.flatMap((b) => Array.from(b))).toHaveLength(42);
    }
  });
});
