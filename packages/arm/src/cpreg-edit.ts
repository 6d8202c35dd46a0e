/**
 * The pure planning core of the cpu transformer: given one vCPU's cpreg arrays
 * (`cpreg_vmstate_indexes` / `cpreg_vmstate_values`, wire-format.md §12.2), drop the ids to
 * hide, overwrite the ids to set and insert the ids to add, keeping both arrays in lockstep
 * and ascending.
 *
 * Why the order matters: QEMU `target/arm/machine.c:cpu_post_load` walks the incoming and
 * the destination lists in parallel and needs both ascending as unsigned 64-bit values
 * (§12.5). Dropping entries keeps that order, setting values does not touch it, and added
 * ids are merged in at their place.
 *
 * Safety (design.md, "Safety of hiding"): every change is listed with its old value (its
 * risk class comes from `cpreg-risk.ts`), and a requested id that is not in the list, or an
 * id to add that is there already, is reported, not silently ignored.
 */
import { ArmError, CpregListError } from "./errors.js";
import { mergeCpregs } from "./cpreg-edit-add.js";
import { registerName } from "./names.js";
import { formatRegId, isU64 } from "./regid.js";

/** One vCPU's cpreg arrays, as read from the `cpu` section. */
export interface CpregList {
  readonly indexes: readonly bigint[];
  readonly values: readonly bigint[];
}

/** What to change. */
export interface CpregEditRequest {
  /** Ids to remove (with their values). */
  readonly hide?: Iterable<bigint>;
  /** Ids whose value to replace. An id may not be both hidden and set. */
  readonly set?: ReadonlyMap<bigint, bigint>;
  /** Ids to insert with their values (neither hidden nor set as well). */
  readonly add?: ReadonlyMap<bigint, bigint>;
}

/** One applied change, in list order. */
export type CpregChange =
  | { readonly kind: "hidden"; readonly id: bigint; readonly oldValue: bigint }
  | { readonly kind: "set"; readonly id: bigint; readonly oldValue: bigint; readonly newValue: bigint }
  | { readonly kind: "added"; readonly id: bigint; readonly newValue: bigint };

/** A requested id the list does not contain. */
export interface CpregAbsent {
  readonly kind: "hide" | "set";
  readonly id: bigint;
}

/** A set or add that found the register already holding the wanted value: nothing to do. */
export interface CpregUnchanged {
  readonly kind: "set" | "add";
  readonly id: bigint;
  readonly value: bigint;
}

/** An id to add that the list holds already, with another value: the add cannot be done. */
export interface CpregAddConflict {
  readonly id: bigint;
  readonly present: bigint;
  readonly wanted: bigint;
}

/** The planned result for one vCPU. */
export interface CpregEditPlan {
  /**
   * The new arrays, ascending and in lockstep. When nothing is hidden or added, `indexes`
   * is the input array itself; when nothing changes at all, so is `values` (no copying).
   */
  readonly indexes: readonly bigint[];
  readonly values: readonly bigint[];
  readonly changes: readonly CpregChange[];
  readonly absent: readonly CpregAbsent[];
  readonly unchanged: readonly CpregUnchanged[];
  /** Ids to add that are present with another value; the caller must refuse the edit. */
  readonly conflicts: readonly CpregAddConflict[];
  /** True when `changes` is not empty. */
  readonly changed: boolean;
}

/**
 * Check what `cpu_post_load` relies on: equal lengths, 64-bit unsigned elements, ids
 * strictly ascending.
 * @throws {CpregListError} naming the first offending element.
 */
export function validateCpregList(list: CpregList): void {
  const { indexes, values } = list;
  if (indexes.length !== values.length) {
    throw new CpregListError(`cpreg arrays differ in length: ${indexes.length} indexes, ${values.length} values`);
  }
  let prev = -1n;
  for (let i = 0; i < indexes.length; i++) {
    const id = indexes[i];
    const value = values[i];
    if (typeof id !== "bigint" || !isU64(id)) throw new CpregListError(`cpreg index [${i}] is not a 64-bit unsigned id: ${String(id)}`, i);
    if (typeof value !== "bigint" || !isU64(value)) {
      throw new CpregListError(`cpreg value [${i}] (${formatRegId(id)}) is not a 64-bit unsigned value: ${String(value)}`, i);
    }
    if (id <= prev) {
      throw new CpregListError(
        `cpreg indexes are not strictly ascending at [${i}]: ${formatRegId(id)} after ${formatRegId(prev)}`, i);
    }
    prev = id;
  }
}

/** Index of `id` in the ascending `indexes`, or -1. */
export function findCpreg(indexes: readonly bigint[], id: bigint): number {
  let lo = 0;
  let hi = indexes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = indexes[mid] as bigint;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Checks an edit request before any stream is read: 64-bit ids and values, and each id in
 * at most one of hide, set and add.
 * @throws {ArmError} OUT_OF_RANGE or CONFLICTING_REQUEST.
 */
export function checkCpregRequest(
  hide: ReadonlySet<bigint>,
  set: ReadonlyMap<bigint, bigint>,
  add: ReadonlyMap<bigint, bigint> = new Map(),
): void {
  for (const id of hide) {
    if (typeof id !== "bigint" || !isU64(id)) throw new ArmError("OUT_OF_RANGE", `id to hide is not a 64-bit unsigned value: ${String(id)}`);
    if (set.has(id)) throw conflict(id, "hidden and set");
    if (add.has(id)) throw conflict(id, "hidden and added");
  }
  for (const [what, map] of [["set", set], ["add", add]] as const) {
    for (const [id, value] of map) {
      if (typeof id !== "bigint" || !isU64(id)) throw new ArmError("OUT_OF_RANGE", `id to ${what} is not a 64-bit unsigned value: ${String(id)}`);
      if (typeof value !== "bigint" || !isU64(value)) {
        throw new ArmError("OUT_OF_RANGE", `value for ${formatRegId(id)} is not a 64-bit unsigned value: ${String(value)}`);
      }
      if (what === "set" && add.has(id)) throw conflict(id, "set and added");
    }
  }
}

function conflict(id: bigint, both: string): ArmError {
  return new ArmError("CONFLICTING_REQUEST", `${registerName(id)} (${formatRegId(id)}) is asked to be both ${both}`);
}

/**
 * Plan the edit of one vCPU's cpreg arrays. Pure: the inputs are not modified. A set or an
 * add that finds the wanted value already there is `unchanged`, not a change; an add that
 * finds another value is a `conflict` (nothing is inserted for it).
 * @throws {CpregListError} when the arrays are invalid (see {@link validateCpregList}).
 * @throws {ArmError} CONFLICTING_REQUEST when an id is in more than one of hide, set, add.
 */
export function planCpregEdit(list: CpregList, request: CpregEditRequest): CpregEditPlan {
  validateCpregList(list);
  const hide: ReadonlySet<bigint> = request.hide instanceof Set ? request.hide : new Set(request.hide ?? []);
  const set: ReadonlyMap<bigint, bigint> = request.set ?? new Map<bigint, bigint>();
  const add: ReadonlyMap<bigint, bigint> = request.add ?? new Map<bigint, bigint>();
  checkCpregRequest(hide, set, add);
  const { indexes, values } = list;
  const changes: CpregChange[] = [];
  const unchanged: CpregUnchanged[] = [];
  let outIndexes: bigint[] | undefined;
  let outValues: bigint[] | undefined;
  for (let i = 0; i < indexes.length; i++) {
    const id = indexes[i] as bigint;
    const value = values[i] as bigint;
    if (hide.has(id)) {
      changes.push({ kind: "hidden", id, oldValue: value });
      if (outIndexes === undefined) {
        // First removal: start the compacted arrays with everything kept so far.
        outIndexes = indexes.slice(0, i);
        outValues = (outValues ?? values).slice(0, i);
      }
      continue;
    }
    let next = value;
    const wanted = set.get(id);
    if (wanted === value) unchanged.push({ kind: "set", id, value });
    else if (wanted !== undefined) {
      changes.push({ kind: "set", id, oldValue: value, newValue: wanted });
      next = wanted;
      outValues ??= outIndexes === undefined ? values.slice() : outValues;
    }
    if (outIndexes !== undefined) {
      outIndexes.push(id);
      (outValues as bigint[]).push(next);
    } else if (outValues !== undefined) {
      outValues[i] = next;
    }
  }
  const absent: CpregAbsent[] = [];
  for (const id of hide) if (findCpreg(indexes, id) < 0) absent.push({ kind: "hide", id });
  for (const id of set.keys()) if (findCpreg(indexes, id) < 0) absent.push({ kind: "set", id });
  const merged = mergeCpregs({ indexes: outIndexes ?? indexes, values: outValues ?? values }, add);
  changes.push(...merged.added.map((a) => ({ kind: "added" as const, id: a.id, newValue: a.value })));
  unchanged.push(...merged.present.map((p) => ({ kind: "add" as const, id: p.id, value: p.value })));
  return {
    indexes: merged.indexes,
    values: merged.values,
    changes,
    absent,
    unchanged,
    conflicts: merged.conflicts,
    changed: changes.length > 0,
  };
}
