import { describe, expect, it } from "vitest";
import { UnsupportedError } from "@vmstate/wire";
import { findSubsectionPlaces } from "./subsection-search.js";
import { parseVmdesc, type DeviceDesc } from "./vmdesc-model.js";
import { walkSection } from "./walker.js";

const subBytes = (name: string, ...body: number[]): number[] => [0x05, name.length, ...[...name].map((c) => c.charCodeAt(0)), 0, 0, 0, 1, ...body];
const SUB = '{"vmsd_name": "el/sub", "version": 1, "fields": [{"name": "w", "type": "uint8", "size": 1}]}';
const EL = `{"vmsd_name": "el", "version": 1, "fields": [{"name": "x", "type": "uint8", "size": 1}], "subsections": [${SUB}]}`;

function walk(fields: string, subsections: string, bytes: number[]) {
  const json = `{"page_size": 4096, "devices": [{"name": "dev", "instance_id": 0, "vmsd_name": "dev", "version": 1, "fields": [${fields}]${subsections}}]}`;
  const desc = parseVmdesc(new TextEncoder().encode(json)).devices[0] as DeviceDesc;
  return walkSection(desc, Uint8Array.from(bytes), 0, { base: 0, path: "dev (0)" }).node;
}

describe("findSubsectionPlaces", () => {
  it("finds a subsection in each element of an uncompressed struct array, in a subsection and at the top, with the way to each", () => {
    const size = 1 + subBytes("el/sub", 9).length;
    const el = (i: number) => `{"name": "drives", "index": ${i}, "type": "struct", "struct": ${EL}, "size": ${size}}`;
    const top = `, "subsections": [{"vmsd_name": "dev/a", "version": 1, "fields": [], "subsections": [${SUB.replace("el/sub", "dev/a/b")}]}, ${SUB.replace("el/sub", "dev/c")}]`;
    const tree = walk(`{"name": "n", "type": "uint8", "size": 1}, ${el(0)}, ${el(1)}`, top, [
      7, 1, ...subBytes("el/sub", 9), 2, ...subBytes("el/sub", 8), ...subBytes("dev/a", ...subBytes("dev/a/b", 6)), ...subBytes("dev/c", 5),
    ]);
    const found = findSubsectionPlaces(tree, new Set(["el/sub", "dev/a/b", "dev/c"]));
    // n at 0; drives[0] at 1 (x, then el/sub: 12-byte header + 1), drives[1] at 15; dev/a at 29 with dev/a/b after its 11-byte header; dev/c at 54.
    expect(found.map((p) => [p.node.name, p.within, p.route, p.node.start, p.node.end])).toEqual([
      ["el/sub", "drives[0]", [{ kind: "field", at: 1 }], 2, 15],
      ["el/sub", "drives[1]", [{ kind: "field", at: 2 }], 16, 29],
      ["dev/a/b", "dev/a", [{ kind: "subsection", name: "dev/a" }], 40, 54],
      ["dev/c", "", [], 54, 66],
    ]);
    // A subsection found takes its nested ones with it.
    expect(findSubsectionPlaces(tree, new Set(["dev/a", "dev/a/b"])).map((p) => p.node.name)).toEqual(["dev/a"]);
  });

  it("refuses one inside an element of a compressed struct array, which one vmdesc entry describes for all", () => {
    const size = 1 + subBytes("el/sub", 9).length;
    const tree = walk(`{"name": "s", "array_len": 2, "type": "struct", "struct": ${EL}, "size": ${size}}`, "", [1, ...subBytes("el/sub", 9), 2, ...subBytes("el/sub", 8)]);
    expect(findSubsectionPlaces(tree, new Set(["dev/x"]))).toEqual([]);
    expect(() => findSubsectionPlaces(tree, new Set(["el/sub"]))).toThrow(UnsupportedError);
    expect(() => findSubsectionPlaces(tree, new Set(["el/sub"]))).toThrow(/inside an element of the compressed struct array s/);
  });
});
