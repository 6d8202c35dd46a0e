/**
 * Errors thrown by `@vmstate/arm`. The package knows nothing about streams, so these carry
 * no byte offset; a caller that does (the cpu transformer) wraps them in its own error with
 * the offset and path of the section it was working on.
 */

/** Stable codes, so a caller can react without matching message text. */
export type ArmErrorCode =
  /** A register argument (hex id, name, `ID=VALUE`) could not be understood. */
  | "BAD_REGISTER_ARG"
  /** A name matches more than one register id. */
  | "AMBIGUOUS_REGISTER"
  /** A value is outside 0 ≤ v < 2^64, or a field outside its bit width. */
  | "OUT_OF_RANGE"
  /** A cpreg index/value list violates what QEMU's `cpu_post_load` relies on. */
  | "BAD_CPREG_LIST"
  /** The same id was asked to be both hidden and set, or set twice to different values. */
  | "CONFLICTING_REQUEST";

/** Base class of everything this package throws on account of its input. */
export class ArmError extends Error {
  readonly code: ArmErrorCode;

  constructor(code: ArmErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A user-supplied register argument was rejected; the message says why and what would work. */
export class RegisterArgumentError extends ArmError {
  /** The offending argument text as given. */
  readonly argument: string;
  /** Close register names, best first (may be empty). */
  readonly suggestions: readonly string[];

  constructor(code: ArmErrorCode, argument: string, message: string, suggestions: readonly string[] = []) {
    super(code, message);
    this.argument = argument;
    this.suggestions = suggestions;
  }
}

/**
 * A vCPU's cpreg arrays are unusable: lengths differ, ids are not strictly ascending as
 * unsigned 64-bit numbers (QEMU `target/arm/machine.c:cpu_post_load` walks both lists in
 * parallel and needs them sorted), or an element is not a 64-bit unsigned value.
 */
export class CpregListError extends ArmError {
  /** Element index in the arrays where the problem was found, when there is one. */
  readonly index: number | undefined;

  constructor(message: string, index?: number, code: ArmErrorCode = "BAD_CPREG_LIST") {
    super(code, message);
    this.index = index;
  }
}
