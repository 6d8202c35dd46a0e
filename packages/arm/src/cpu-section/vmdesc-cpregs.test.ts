import { describe, expect, it } from "vitest";
import { parseVmdesc, serializeVmdesc } from "@vmstate/vmsd";
import { setCpregArrayLens } from "./vmdesc-cpregs.js";

/** vCPU 1's description around the register list, as QEMU 10.0 writes it for `n` registers. */
const doc = (n: number): string =>
  '{"page_size": 4096, "devices": [{"name": "cpu", "instance_id": 0, "vmsd_name": "cpu", "version": 22, "fields": []}, ' +
  '{"name": "cpu", "instance_id": 1, "vmsd_name": "cpu", "version": 22, "fields": [{"name": "env.sp_el", "array_len": 4, "type": "uint64", "size": 8}, ' +
  '{"name": "cpreg_vmstate_array_len", "type": "int32 le", "size": 4}, ' +
  (n === 0 ? "" : n === 1
    ? '{"name": "cpreg_vmstate_indexes", "type": "uint64", "size": 8}, {"name": "cpreg_vmstate_values", "type": "uint64", "size": 8}, '
    : `{"name": "cpreg_vmstate_indexes", "array_len": ${n}, "type": "uint64", "size": 8}, {"name": "cpreg_vmstate_values", "array_len": ${n}, "type": "uint64", "size": 8}, `) +
  '{"name": "env.exclusive_addr", "type": "uint64", "size": 8}]}]}';

describe("setCpregArrayLens", () => {
  const counts = [0, 1, 2, 274];
  for (const from of counts) {
    for (const to of counts) {
      it(`describes ${from} -> ${to} registers as QEMU would`, () => {
        const d = parseVmdesc(new TextEncoder().encode(doc(from)));
        expect(setCpregArrayLens(d, 1, to)).toBe(from !== to);
        expect(serializeVmdesc(d)).toBe(doc(to));
      });
    }
  }
});
