import { MalformedError, readBe32, readBe64 } from "@vmstate/wire";
import { findField, type FieldTree } from "@vmstate/vmsd";
import { CPREG_FIELDS } from "./section.js";

/**
 * The register list of one Arm `cpu` section: field 13 (a signed be32 count) followed at
 * once by the two uint64 arrays it counts, ids then values, in the same order.
 * Offsets are indices into the section payload.
 */
export interface CpregArrays {
  count: number;
  indexes: bigint[];
  values: bigint[];
  /** Where field 13 starts (the arrays follow it directly). */
  lenStart: number;
  indexesStart: number;
  valuesStart: number;
  /** One past the last value: the next field (`env.exclusive_addr`) starts here. */
  valuesEnd: number;
}

/**
 * Reads the register list from a walked `cpu` section, or undefined when the section has
 * no such field (not an Arm cpu). Positions are derived from field 13 rather than from the
 * array nodes because QEMU describes an empty array with no entry at all.
 */
export function readCpregArrays(payload: Uint8Array, tree: FieldTree, base = 0): CpregArrays | undefined {
  const len = findField(tree, CPREG_FIELDS.LEN);
  if (!len) return undefined;
  const count = readBe32(payload, len.start) | 0;
  const indexesStart = len.end;
  const valuesStart = indexesStart + 8 * count;
  const valuesEnd = valuesStart + 8 * count;
  if (count < 0 || valuesEnd > payload.length) {
    throw new MalformedError("MALFORMED", `cpreg count ${count} does not fit the section`, { offset: base + len.start, path: CPREG_FIELDS.LEN });
  }
  const indexes = new Array<bigint>(count);
  const values = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    indexes[i] = readBe64(payload, indexesStart + 8 * i);
    values[i] = readBe64(payload, valuesStart + 8 * i);
  }
  return { count, indexes, values, lenStart: len.start, indexesStart, valuesStart, valuesEnd };
}
