/**
 * Comparison of two Arm register lists (`cpreg_vmstate_indexes` / `_values`), shared by
 * `diff` (two streams) and `explain` (a stream against a destination's stream or id list).
 * QEMU keeps both lists sorted ascending as unsigned 64-bit ids and walks them in parallel
 * in `target/arm/machine.c:cpu_post_load` (wire-format.md §12.5); this does the same walk,
 * so an unsorted list (which QEMU itself would mishandle) is still compared by id.
 */
import { registerName } from "@vmstate/arm";
import { hex64 } from "@vmstate/wire";

/** A register list: ids, and values when known (an id list from a file has none). */
export interface RegisterSet {
  indexes: readonly bigint[];
  values?: readonly bigint[];
}

/** A register present in one list only. */
export interface LoneRegister {
  id: bigint;
  /** Its value, when the list has values. */
  value: bigint | undefined;
}

/** A register in both lists whose values differ. */
export interface ChangedRegister {
  id: bigint;
  a: bigint;
  b: bigint;
}

/** The outcome of {@link compareRegisterSets}, ids ascending. */
export interface RegisterSetComparison {
  countA: number;
  countB: number;
  onlyA: LoneRegister[];
  onlyB: LoneRegister[];
  /** Empty when either side has no values. */
  changed: ChangedRegister[];
}

/** Compares two register lists by id. */
export function compareRegisterSets(a: RegisterSet, b: RegisterSet): RegisterSetComparison {
  const ma = toMap(a);
  const mb = toMap(b);
  const out: RegisterSetComparison = { countA: a.indexes.length, countB: b.indexes.length, onlyA: [], onlyB: [], changed: [] };
  for (const [id, va] of ma) {
    if (!mb.has(id)) out.onlyA.push({ id, value: va });
    else {
      const vb = mb.get(id);
      if (va !== undefined && vb !== undefined && va !== vb) out.changed.push({ id, a: va, b: vb });
    }
  }
  for (const [id, vb] of mb) if (!ma.has(id)) out.onlyB.push({ id, value: vb });
  const byId = (x: { id: bigint }, y: { id: bigint }) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  out.onlyA.sort(byId);
  out.onlyB.sort(byId);
  out.changed.sort(byId);
  return out;
}

function toMap(set: RegisterSet): Map<bigint, bigint | undefined> {
  return new Map(set.indexes.map((id, i) => [id, set.values?.[i]]));
}

/** A register for reports: id, name and (when known) value, all printable. */
export interface NamedRegister {
  id: string;
  name: string;
  value?: string;
}

/** A changed register for reports. */
export interface NamedChange {
  id: string;
  name: string;
  a: string;
  b: string;
}

/** {@link LoneRegister} with its name and hex spellings. */
export function nameLone(r: LoneRegister): NamedRegister {
  return { id: hex64(r.id), name: registerName(r.id), ...(r.value === undefined ? {} : { value: hex64(r.value) }) };
}

/** {@link ChangedRegister} with its name and hex spellings. */
export function nameChange(r: ChangedRegister): NamedChange {
  return { id: hex64(r.id), name: registerName(r.id), a: hex64(r.a), b: hex64(r.b) };
}
