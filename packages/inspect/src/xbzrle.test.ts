import { describe, expect, it } from "vitest";
import { applyXbzrle, encodeXbzrle, readUleb128Small, XbzrleError } from "./xbzrle.js";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe("ULEB128 run lengths", () => {
  it.each([
    ["00", 0, 1],
    ["7f", 0x7f, 1],
    ["8001", 0x80, 2],
    ["ff7f", 0x3fff, 2],
  ])("%s is %i in %i bytes", (bytes, value, length) => {
    expect(readUleb128Small(hex(bytes), 0)).toEqual({ value, length });
  });

  it("refuses a third byte and a cut value", () => {
    expect(() => readUleb128Small(hex("ffff01"), 0)).toThrow(XbzrleError);
    expect(() => readUleb128Small(hex("80"), 0)).toThrow(/cut short/);
  });
});

describe("applyXbzrle", () => {
  it("applies runs: skip 2, write 2 bytes, skip 1, write 1 byte, rest unchanged", () => {
    const page = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const covered = applyXbzrle(hex("02" + "02aabb" + "01" + "01cc"), page);
    expect([...page]).toEqual([1, 2, 0xaa, 0xbb, 5, 0xcc, 7, 8]);
    expect(covered).toBe(6);
  });

  it("allows an empty first unchanged run", () => {
    const page = new Uint8Array(4);
    applyXbzrle(hex("00" + "0211" + "22"), page);
    expect([...page]).toEqual([0x11, 0x22, 0, 0]);
  });

  it.each([
    ["a later empty unchanged run", "000111" + "00" + "0122", /empty unchanged run/],
    ["an empty changed run", "0100", /empty changed run/],
    ["a run past the page end", "0701" + "11" + "0101" + "22", /passes the page end/],
    ["data cut short", "000311", /changed run of 3 bytes/],
    ["a delta that ends after an unchanged run", "000111" + "02", /cut short/],
  ])("refuses %s", (_, delta, message) => {
    expect(() => applyXbzrle(hex(delta), new Uint8Array(8))).toThrow(message);
  });

  it("inverts encodeXbzrle on pseudo-random page pairs", () => {
    let x = 7;
    const next = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let round = 0; round < 50; round++) {
      const from = new Uint8Array(4096).map(next);
      const to = from.slice();
      for (let k = 0; k < round * 7; k++) to[(next() << 4) | (next() & 0xf)] = next();
      const delta = encodeXbzrle(from, to);
      const page = from.slice();
      applyXbzrle(delta, page);
      expect(Buffer.compare(page, to), `round ${round}`).toBe(0);
    }
  });
});
