import { describe, expect, it } from "vitest";
import { MalformedError, UnsupportedError } from "@vmstate/wire";
import { setArrayLen, type NewFieldTemplate } from "./vmdesc-edit.js";
import { parseVmdesc, serializeVmdesc } from "./vmdesc-model.js";

/** Two devices of one name; instance 1 holds two arrays counted by the field `n`. */
const dev = (arrays: string): string =>
  '{"page_size": 4096, "devices": [{"name": "d", "instance_id": 0, "vmsd_name": "d", "version": 2, "fields": [{"name": "x", "type": "uint8", "size": 1}]}, ' +
  '{"name": "d", "instance_id": 1, "vmsd_name": "d", "version": 2, "fields": [{"name": "head", "array_len": 4, "type": "uint64", "size": 8}, ' +
  `{"name": "n", "type": "int32", "size": 4}, ${arrays}{"name": "tail", "type": "uint64", "size": 8}]}]}`;
const arrays = (n: number): string =>
  n === 0 ? "" : n === 1
    ? '{"name": "keys", "type": "uint64", "size": 8}, {"name": "vals", "type": "uint64", "size": 8}, '
    : `{"name": "keys", "array_len": ${n}, "type": "uint64", "size": 8}, {"name": "vals", "array_len": ${n}, "type": "uint64", "size": 8}, `;
const TEMPLATES: Record<string, NewFieldTemplate> = {
  keys: { after: ["n"], type: "uint64", size: 8 },
  vals: { after: ["keys", "n"], type: "uint64", size: 8 },
};

function edit(from: number, to: number): { text: string; changed: boolean[] } {
  const doc = parseVmdesc(new TextEncoder().encode(dev(arrays(from))));
  const changed = ["keys", "vals"].map((f) => setArrayLen(doc, "d", 1, f, to, TEMPLATES[f]));
  return { text: serializeVmdesc(doc), changed };
}

describe("setArrayLen", () => {
  const counts = [0, 1, 2, 274];
  for (const from of counts) {
    for (const to of counts) {
      it(`rewrites ${from} -> ${to} elements as QEMU would describe them`, () => {
        const { text, changed } = edit(from, to);
        expect(text).toBe(dev(arrays(to)));
        expect(changed).toEqual([from !== to, from !== to]);
      });
    }
  }

  it("keeps other keys and their order", () => {
    const doc = parseVmdesc(new TextEncoder().encode(
      '{"devices": [{"name": "d", "instance_id": 0, "fields": [{"name": "a", "array_len": 3, "type": "struct", "struct": {"vmsd_name": "s", "version": 1, "fields": []}, "size": 0}]}]}',
    ));
    expect(setArrayLen(doc, "d", 0, "a", 1, undefined)).toBe(true);
    expect(serializeVmdesc(doc)).toContain('{"name": "a", "type": "struct", "struct": {');
    expect(setArrayLen(doc, "d", 0, "a", 5, undefined)).toBe(true);
    expect(serializeVmdesc(doc)).toContain('{"name": "a", "array_len": 5, "type": "struct", "struct": {');
  });

  it("refuses what it cannot express", () => {
    const doc = parseVmdesc(new TextEncoder().encode(
      '{"devices": [{"name": "d", "instance_id": 0, "fields": [{"name": "a", "index": 0, "type": "uint8", "size": 1}, {"name": "b", "index": 0, "type": "uint8", "size": 1}, {"name": "b", "index": 1, "type": "uint8", "size": 1}]}]}',
    ));
    expect(() => setArrayLen(doc, "d", 0, "a", 2, undefined)).toThrow(UnsupportedError);
    expect(() => setArrayLen(doc, "d", 0, "b", 2, undefined)).toThrow(/2 entries/);
    expect(() => setArrayLen(doc, "d", 0, "c", 2, undefined)).toThrow(/no template/);
    expect(() => setArrayLen(doc, "d", 0, "c", 2, { after: ["z"], type: "uint8", size: 1 })).toThrow(/none of the fields z/);
    expect(setArrayLen(doc, "d", 0, "c", 0, undefined)).toBe(false);
    expect(() => setArrayLen(doc, "e", 0, "b", 2, undefined)).toThrow(MalformedError);
  });
});
