/**
 * The vocabulary of load predictions: what a destination QEMU would object to, how sure we
 * are, and the exact lines it would print. Messages are those of QEMU 7.2 to 10.1 (checked
 * against the strings in the Debian 7.2 and 10.0 binaries and by loading real streams);
 * QEMU 10.2 words field errors differently (wire-format.md §11).
 */

/** What kind of check failed; stable strings for scripts. */
export type ProblemKind =
  | "configuration-missing"
  | "configuration-unexpected"
  | "machine-type"
  | "page-size"
  | "capability"
  | "unknown-section"
  | "section-version"
  | "unknown-ramblock"
  | "ramblock-size"
  | "field-equal"
  | "field-le"
  | "unknown-subsection"
  | "subsection-version"
  | "cpreg-count"
  | "cpreg-unknown-ids"
  | "cpreg-id-values"
  | "source-damaged";

/**
 * `fatal`: QEMU refuses the stream. `possible`: it may, and the stream alone cannot tell
 * (e.g. a subsection the destination never sent may or may not be known to it).
 * `warning`: loads, but deserves attention.
 */
export type Severity = "fatal" | "possible" | "warning";

/** One predicted objection. */
export interface LoadProblem {
  kind: ProblemKind;
  severity: Severity;
  /** What is wrong, in words. */
  message: string;
  /** The section concerned, as `idstr (instance)`. */
  section?: string;
  /** Register ids concerned (`0x` + 16 hex digits), ascending. */
  ids?: string[];
  /** The lines QEMU prints on stderr (each prefixed there with the program name). */
  qemu: string[];
}

/** QEMU's last line for a failed load: `strerror` of the negative errno it returns. */
export const LOAD_FAILED = {
  EINVAL: "load of migration failed: Invalid argument",
  EPERM: "load of migration failed: Operation not permitted",
  ENOENT: "load of migration failed: No such file or directory",
} as const;

/** `savevm.c:qemu_loadvm_section_start_full` after a device's load function failed. */
export function deviceLoadFailed(idstr: string, instanceId: number): string {
  return `error while loading state for instance 0x${instanceId.toString(16)} of device '${idstr}'`;
}

/** `vmstate.c:vmstate_load_state` after a field's `get` failed. */
export function fieldLoadFailed(vmsd: string, field: string): string {
  return `Failed to load ${vmsd}:${field}`;
}

/** `vmstate-types.c:get_int32_le`. */
export function int32LeFailed(loaded: bigint | number, current: bigint | number): string {
  return `Invalid value ${loaded} expecting positive value <= ${current}`;
}

/** Collects problems in the order QEMU's loader would meet them. */
export class LoadProblemList {
  readonly problems: LoadProblem[] = [];

  add(p: LoadProblem): void {
    this.problems.push(p);
  }

  /** The first fatal problem: what QEMU would actually print, since it stops there. */
  firstFatal(): LoadProblem | undefined {
    return this.problems.find((p) => p.severity === "fatal");
  }
}
