import { writeBe32, writeBe64 } from "@vmstate/wire";
import type { CpregArrays } from "@vmstate/arm";
import type { ByteEdit } from "./byte-edits.js";

/**
 * The edit that gives a `cpu` section payload other cpreg arrays: field 13 and the two
 * arrays are replaced, every byte before and after them stays as it was (wire-format.md
 * §12.2: field 13 is a signed be32 count, then N be64 ids, then N be64 values). Nothing
 * else in the section depends on N: there is no length anywhere to fix.
 */
export function cpregArraysEdit(arrays: CpregArrays, indexes: readonly bigint[], values: readonly bigint[]): ByteEdit {
  const n = indexes.length;
  const replacement = new Uint8Array(4 + 16 * n);
  writeBe32(replacement, 0, n);
  let p = 4;
  for (const id of indexes) {
    writeBe64(replacement, p, id);
    p += 8;
  }
  for (const v of values) {
    writeBe64(replacement, p, v);
    p += 8;
  }
  return { start: arrays.lenStart, end: arrays.valuesEnd, replacement };
}
