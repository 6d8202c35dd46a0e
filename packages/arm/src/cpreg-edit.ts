/**
 * The pure planning core of the cpu transformer: given one vCPU's cpreg arrays
 * (`cpreg_vmstate_indexes` / `cpreg_vmstate_values`, wire-format.md §12.2), drop the ids to
 * hide and overwrite the ids to set, keeping both arrays in lockstep and ascending.
 *
 * Why the order matters: QEMU `target/arm/machine.c:cpu_post_load` walks the incoming and
 * the destination lists in parallel and needs both ascending as unsigned 64-bit values
 * (§12.5). Dropping entries keeps that order; setting values does not touch it.
 *
 * Safety (design.md, "Safety of hiding"): dropping a register drops guest state, so every
 * removal is reported with its old value, a non-zero removed value is a warning (upstream
 * reviewers asked that KVM_REG_ARM_VENDOR_HYP_BMAP_2 be hidden only when it is 0), and a
 * requested id that is not in the list is reported, not silently ignored.
 */
import { ArmError, CpregListError } from "./errors.js";
import { isReadOnlyIdRegister } from "./describe.js";
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
}

/** One applied change, in list order. */
export type CpregChange =
  | { readonly kind: "hidden"; readonly id: bigint; readonly oldValue: bigint }
  | { readonly kind: "set"; readonly id: bigint; readonly oldValue: bigint; readonly newValue: bigint };

/** A requested id the list does not contain. */
export interface CpregAbsent {
  readonly kind: "hide" | "set";
  readonly id: bigint;
}

/**
 * Something a person should read. `HIDE_NONZERO`: a hidden register held a non-zero value
 * (a strict mode should refuse it). `SET_ID_REGISTER`: a value was set in the read-only ID
 * space, which the destination accepts only if it equals its own (TCG) or the kernel allows
 * it (KVM).
 */
export interface CpregWarning {
  readonly code: "HIDE_NONZERO" | "SET_ID_REGISTER";
  readonly id: bigint;
  readonly message: string;
}

/** The planned result for one vCPU. */
export interface CpregEditPlan {
  /**
   * The new arrays, ascending and in lockstep. When nothing is hidden, `indexes` is the
   * input array itself; when nothing changes at all, so is `values` (no copying).
   */
  readonly indexes: readonly bigint[];
  readonly values: readonly bigint[];
  readonly changes: readonly CpregChange[];
  readonly absent: readonly CpregAbsent[];
  readonly warnings: readonly CpregWarning[];
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
 * Checks an edit request before any stream is read: 64-bit ids and values, no id both
 * hidden and set.
 * @throws {ArmError} OUT_OF_RANGE or CONFLICTING_REQUEST.
 */
export function checkCpregRequest(hide: ReadonlySet<bigint>, set: ReadonlyMap<bigint, bigint>): void {
  for (const id of hide) {
    if (typeof id !== "bigint" || !isU64(id)) throw new ArmError("OUT_OF_RANGE", `id to hide is not a 64-bit unsigned value: ${String(id)}`);
    if (set.has(id)) throw new ArmError("CONFLICTING_REQUEST", `${registerName(id)} (${formatRegId(id)}) is asked to be both hidden and set`);
  }
  for (const [id, value] of set) {
    if (typeof id !== "bigint" || !isU64(id)) throw new ArmError("OUT_OF_RANGE", `id to set is not a 64-bit unsigned value: ${String(id)}`);
    if (typeof value !== "bigint" || !isU64(value)) {
      throw new ArmError("OUT_OF_RANGE", `value for ${formatRegId(id)} is not a 64-bit unsigned value: ${String(value)}`);
    }
  }
}

/**
 * Plan the edit of one vCPU's cpreg arrays. Pure: the inputs are not modified.
 * @throws {CpregListError} when the arrays are invalid (see {@link validateCpregList}).
 * @throws {ArmError} CONFLICTING_REQUEST when an id is both hidden and set.
 */
export function planCpregEdit(list: CpregList, request: CpregEditRequest): CpregEditPlan {
  validateCpregList(list);
  const hide: ReadonlySet<bigint> = request.hide instanceof Set ? request.hide : new Set(request.hide ?? []);
  const set: ReadonlyMap<bigint, bigint> = request.set ?? new Map<bigint, bigint>();
  checkCpregRequest(hide, set);
  const { indexes, values } = list;
  const changes: CpregChange[] = [];
  const warnings: CpregWarning[] = [];
  let outIndexes: bigint[] | undefined;
  let outValues: bigint[] | undefined;
  for (let i = 0; i < indexes.length; i++) {
    const id = indexes[i] as bigint;
    const value = values[i] as bigint;
    if (hide.has(id)) {
      changes.push({ kind: "hidden", id, oldValue: value });
      if (value !== 0n) {
        warnings.push({
          code: "HIDE_NONZERO", id,
          message: `hiding ${registerName(id)} (${formatRegId(id)}) drops the non-zero value ${formatRegId(value)}; ` +
            "the guest may have relied on it (upstream accepts hiding KVM_REG_ARM_VENDOR_HYP_BMAP_2 only when it is 0)",
        });
      }
      if (outIndexes === undefined) {
        // First removal: start the compacted arrays with everything kept so far.
        outIndexes = indexes.slice(0, i);
        outValues = (outValues ?? values).slice(0, i);
      }
      continue;
    }
    let next = value;
    const wanted = set.get(id);
    if (wanted !== undefined) {
      changes.push({ kind: "set", id, oldValue: value, newValue: wanted });
      next = wanted;
      if (isReadOnlyIdRegister(id) && wanted !== value) {
        warnings.push({
          code: "SET_ID_REGISTER", id,
          message: `${registerName(id)} (${formatRegId(id)}) is a read-only ID register: the destination accepts ` +
            `${formatRegId(wanted)} only if it equals its own value (TCG) or its kernel allows it (KVM)`,
        });
      }
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
  const found = changes.length;
  if (found < hide.size + set.size) {
    for (const id of hide) if (findCpreg(indexes, id) < 0) absent.push({ kind: "hide", id });
    for (const id of set.keys()) if (findCpreg(indexes, id) < 0) absent.push({ kind: "set", id });
  }
  return {
    indexes: outIndexes ?? indexes,
    values: outValues ?? values,
    changes,
    absent,
    warnings,
    changed: changes.length > 0,
  };
}
