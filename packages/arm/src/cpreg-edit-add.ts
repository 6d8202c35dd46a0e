/**
 * Inserting registers into one vCPU's cpreg arrays: a merge of the ascending list with the
 * ids to add, so both arrays stay ascending (as unsigned 64-bit values) and in lockstep,
 * which `target/arm/machine.c:cpu_post_load` needs (wire-format.md §12.5).
 */
import type { CpregAddConflict, CpregList } from "./cpreg-edit.js";

/** What {@link mergeCpregs} did. */
export interface CpregMerge {
  /** The new arrays; the input arrays themselves when nothing was inserted. */
  readonly indexes: readonly bigint[];
  readonly values: readonly bigint[];
  /** Inserted ids, ascending. */
  readonly added: readonly { readonly id: bigint; readonly value: bigint }[];
  /** Ids to add that were present with the wanted value. */
  readonly present: readonly { readonly id: bigint; readonly value: bigint }[];
  /** Ids to add that were present with another value (not inserted, not changed). */
  readonly conflicts: readonly CpregAddConflict[];
}

/**
 * Merges `add` (id → value) into the ascending `list`. Pure; linear in the list length.
 * The list must already be valid (ascending, same lengths): `planCpregEdit` checks it.
 */
export function mergeCpregs(list: CpregList, add: ReadonlyMap<bigint, bigint>): CpregMerge {
  const { indexes, values } = list;
  const wanted = [...add].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const added: { id: bigint; value: bigint }[] = [];
  const present: { id: bigint; value: bigint }[] = [];
  const conflicts: CpregAddConflict[] = [];
  const outIndexes: bigint[] = [];
  const outValues: bigint[] = [];
  let i = 0;
  for (const [id, value] of wanted) {
    while (i < indexes.length && (indexes[i] as bigint) < id) {
      outIndexes.push(indexes[i] as bigint);
      outValues.push(values[i] as bigint);
      i++;
    }
    if (i < indexes.length && indexes[i] === id) {
      const have = values[i] as bigint;
      if (have === value) present.push({ id, value });
      else conflicts.push({ id, present: have, wanted: value });
      continue;
    }
    outIndexes.push(id);
    outValues.push(value);
    added.push({ id, value });
  }
  if (added.length === 0) return { indexes, values, added, present, conflicts };
  for (; i < indexes.length; i++) {
    outIndexes.push(indexes[i] as bigint);
    outValues.push(values[i] as bigint);
  }
  return { indexes: outIndexes, values: outValues, added, present, conflicts };
}
