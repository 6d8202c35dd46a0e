import { describe, expect, it } from "vitest";
import { applyByteEdits } from "./byte-edits.js";

const bytes = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
const edit = (start: number, end: number, ...replacement: number[]) => ({ start, end, replacement: Uint8Array.from(replacement) });

describe("applyByteEdits", () => {
  it("applies edits given in any order against the original offsets", () => {
    expect([...applyByteEdits(bytes, [edit(6, 8), edit(1, 2, 9, 9, 9), edit(4, 4, 8)])]).toEqual([0, 9, 9, 9, 2, 3, 8, 4, 5]);
  });

  it("returns a copy equal to the input with no edits", () => {
    expect([...applyByteEdits(bytes, [])]).toEqual([...bytes]);
  });

  it("refuses overlapping edits and edits past the end", () => {
    expect(() => applyByteEdits(bytes, [edit(1, 4), edit(3, 5)])).toThrow(/overlaps/);
    expect(() => applyByteEdits(bytes, [edit(7, 9)])).toThrow(/outside/);
  });
});
