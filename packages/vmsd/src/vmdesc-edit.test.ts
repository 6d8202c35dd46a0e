import { describe, expect, it } from "vitest";
import { MalformedError, UnsupportedError } from "@vmstate/wire";
import { setArrayLen } from "./vmdesc-edit.js";
import { parseVmdesc, serializeVmdesc } from "./vmdesc-model.js";

const cpu = (arrays: string): string =>
  '{"page_size": 4096, "devices": [{"name": "cpu", "instance_id": 0, "vmsd_name": "cpu", "version": 22, "fields": [{"name": "x", "type": "uint8", "size": 1}]}, ' +
  '{"name": "cpu", "instance_id": 1, "vmsd_name": "cpu", "version": 22, "fields": [{"name": "env.sp_el", "array_len": 4, "type": "uint64", "size": 8}, ' +
  `{"name": "cpreg_vmstate_array_len", "type": "int32 le", "size": 4}, ${arrays}{"name": "env.exclusive_addr", "type": "uint64", "size": 8}]}]}`;
const arrays = (n: number): string =>
  n === 0 ? "" : n === 1
    ? '{"name": "cpreg_vmstate_indexes", "type": "uint64", "size": 8}, {"name": "cpreg_vmstate_values", "type": "uint64", "size": 8}, '
    : `{"name": "cpreg_vmstate_indexes", "array_len": ${n}, "type": "uint64", "size": 8}, {"name": "cpreg_vmstate_values", "array_len": ${n}, "type": "uint64", "size": 8}, `;

function edit(from: number, to: number): { text: string; changed: boolean[] } {
  const doc = parseVmdesc(new TextEncoder().encode(cpu(arrays(from))));
  const changed = ["cpreg_vmstate_indexes", "cpreg_vmstate_values"].map((f) => setArrayLen(doc, "cpu", 1, f, to));
  return { text: serializeVmdesc(doc), changed };
}

describe("setArrayLen", () => {
  const counts = [0, 1, 2, 274];
  for (const from of counts) {
    for (const to of counts) {
      it(`rewrites ${from} -> ${to} elements as QEMU would describe them`, () => {
        const { text, changed } = edit(from, to);
        expect(text).toBe(cpu(arrays(to)));
        expect(changed).toEqual([from !== to, from !== to]);
      });
    }
  }

  it("keeps other keys and their order", () => {
    const doc = parseVmdesc(new TextEncoder().encode(
      '{"devices": [{"name": "d", "instance_id": 0, "fields": [{"name": "a", "array_len": 3, "type": "struct", "struct": {"vmsd_name": "s", "version": 1, "fields": []}, "size": 0}]}]}',
    ));
    expect(setArrayLen(doc, "d", 0, "a", 1)).toBe(true);
    expect(serializeVmdesc(doc)).toContain('{"name": "a", "type": "struct", "struct": {');
    expect(setArrayLen(doc, "d", 0, "a", 5)).toBe(true);
    expect(serializeVmdesc(doc)).toContain('{"name": "a", "array_len": 5, "type": "struct", "struct": {');
  });

  it("refuses what it cannot express", () => {
    const doc = parseVmdesc(new TextEncoder().encode(
      '{"devices": [{"name": "d", "instance_id": 0, "fields": [{"name": "a", "index": 0, "type": "uint8", "size": 1}, {"name": "b", "index": 0, "type": "uint8", "size": 1}, {"name": "b", "index": 1, "type": "uint8", "size": 1}]}]}',
    ));
    expect(() => setArrayLen(doc, "d", 0, "a", 2)).toThrow(UnsupportedError);
    expect(() => setArrayLen(doc, "d", 0, "b", 2)).toThrow(/2 entries/);
    expect(() => setArrayLen(doc, "d", 0, "c", 2)).toThrow(/no template/);
    expect(setArrayLen(doc, "d", 0, "c", 0)).toBe(false);
    expect(() => setArrayLen(doc, "cpu", 0, "cpreg_vmstate_values", 2)).toThrow(MalformedError);
  });
});
