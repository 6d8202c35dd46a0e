import { writeBe32, writeBe64 } from "@vmstate/wire";
import type { CpregArrays } from "@vmstate/arm";

/**
 * A new `cpu` section payload with other cpreg arrays: field 13 and the two arrays are
 * replaced, every byte before and after them is copied as it was (wire-format.md §12.2:
 * field 13 is a signed be32 count, then N be64 ids, then N be64 values). Nothing else in the
 * section depends on N: there is no length anywhere to fix.
 */
export function spliceCpregs(
  payload: Uint8Array,
  arrays: CpregArrays,
  indexes: readonly bigint[],
  values: readonly bigint[],
): Uint8Array {
  const n = indexes.length;
  const head = arrays.lenStart;
  const tail = payload.length - arrays.valuesEnd;
  const out = new Uint8Array(head + 4 + 16 * n + tail);
  out.set(payload.subarray(0, head), 0);
  writeBe32(out, head, n);
  let p = head + 4;
  for (const id of indexes) {
    writeBe64(out, p, id);
    p += 8;
  }
  for (const v of values) {
    writeBe64(out, p, v);
    p += 8;
  }
  out.set(payload.subarray(arrays.valuesEnd), p);
  return out;
}
