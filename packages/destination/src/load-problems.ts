/**
 * The vocabulary of load predictions: what a destination QEMU would object to, how sure we
 * are, and the exact lines it would print (worded per release in `qemu-wording.ts`).
 */
import { qemuLines, type QemuFailure } from "./qemu-wording.js";
import type { QemuWording } from "./release.js";

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
  | "subsection-abort"
  | "cpreg-count"
  | "cpreg-unknown-ids"
  | "cpreg-unreached"
  | "cpreg-id-values"
  | "cpreg-missing"
  | "cpreg-missing-writable"
  | "cpreg-absent"
  | "cpreg-values-unknown"
  | "source-damaged"
  | "release-mismatch";

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
  /** The subsection concerned (`cpu/wfxt-timer`). */
  subsection?: string;
  /** Register ids concerned (`0x` + 16 hex digits), ascending. */
  ids?: string[];
  /** The lines QEMU prints on stderr (each prefixed there with the program name). */
  qemu: string[];
}

/** A problem as the checks find it: QEMU's failure is worded once the destination's release is chosen. */
export type FoundProblem = Omit<LoadProblem, "qemu"> & {
  /** How QEMU fails; null when it does not, or prints nothing that can be predicted. */
  failure: QemuFailure | null;
  /** Lines QEMU prints without failing (a warning), when `failure` is null. */
  printed?: readonly string[];
};

/** `p` with QEMU's lines in `wording`. */
export function wordProblem({ failure, printed, ...p }: FoundProblem, wording: QemuWording): LoadProblem {
  return { ...p, qemu: failure === null ? [...(printed ?? [])] : qemuLines(failure, wording) };
}

/** Collects problems in the order QEMU's loader would meet them. */
export class LoadProblemList {
  readonly problems: FoundProblem[] = [];

  add(p: FoundProblem): void {
    this.problems.push(p);
  }
}
