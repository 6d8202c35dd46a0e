import { describe, expect, it } from "vitest";
import { ByteSource, TruncatedError, LimitError, readBe32, type SkippingInput } from "./index.js";

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

/** `data` in 8-byte chunks, recording which chunks were read and able to skip unread ones. */
function skippingInput(): { input: SkippingInput; read: number[] } {
  const read: number[] = [];
  let position = 0;
  const input: SkippingInput = {
    *[Symbol.iterator]() {
      while (position < data.length) {
        read.push(position);
        const chunk = data.subarray(position, position + 8);
        position += chunk.length;
        yield chunk;
      }
    },
    skipUnread(n) {
      const moved = Math.min(n, data.length - position);
      position += moved;
      return moved;
    },
  };
  return { input, read };
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

  it("discards bytes unread from an input that can skip them, and reads through the rest", async () => {
    const skipping = skippingInput();
    const src = new ByteSource(skipping.input);
    await src.need(3);
    src.skip(3);
    // 5 buffered bytes are dropped, then 32 skipped: the chunks at 8…39 are never read.
    await src.discard(37);
    expect(src.offset).toBe(40);
    await src.need(4);
    expect(src.be32()).toBe(readBe32(data, 40));
    expect(skipping.read).toEqual([0, 40]);

    const reading = new ByteSource(split(data, [8, 16, 24, 32, 40, 48, 56]));
    await reading.discard(40);
    await reading.need(4);
    expect(reading.be32()).toBe(readBe32(data, 40));

    // While consumed bytes are passed on, or a record is marked, they are needed: read through.
    const passed = skippingInput();
    const passing = new ByteSource(passed.input);
    let handed = 0;
    passing.passConsumedTo((b) => void (handed += b.length));
    await passing.discard(40);
    await passing.stopPassing();
    expect(handed).toBe(40);
    expect(passed.read).toEqual([0, 8, 16, 24, 32]);
  });

  it("reports a discard past the end as the truncation a read would", async () => {
    for (const input of [skippingInput().input, split(data, [8, 16])]) {
      const src = new ByteSource(input);
      const e = await src.discard(70, "a page area").catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TruncatedError);
      expect((e as TruncatedError).message).toContain("input ends inside a page area: needed 1 bytes, 0 left");
      expect((e as TruncatedError).offset).toBe(64);
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
