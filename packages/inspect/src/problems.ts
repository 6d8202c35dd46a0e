/**
 * The problems `verify` reports. A verification goes on after a problem wherever it can find
 * its footing again, so it collects rather than throws; each problem keeps what an error would
 * have said: where (absolute offset, path in the stream), a stable code, and a sentence.
 */
import { VmstateError, printable } from "@vmstate/wire";

/**
 * Stable problem codes: the decoder's error codes (`TRUNCATED`, `MALFORMED`, `BAD_FOOTER`,
 * `VMDESC`, the walk checks' `SIZE_MISMATCH`, `ARRAY_LEN`, `TYPE_SIZE`, …) and these, found
 * only by cross-checking:
 * - `UNDESCRIBED_SECTION` / `MISSING_SECTION` / `SECTION_ORDER` / `DUPLICATE_SECTION`: the
 *   vmdesc's device list and the stream's FULL sections disagree;
 * - `PAGE_SIZE`: the vmdesc's `page_size` is not the stream's target page size;
 * - `RAM_BLOCK_LIST`, `RAM_PAGE`, `ZERO_FILL`, `XBZRLE_NO_BASE`: RAM records that a loader
 *   would refuse or misplace;
 * - `TRAILING_BYTES`: bytes after the end of the stream.
 */
export type ProblemCode =
  | VmstateError["code"]
  | "UNDESCRIBED_SECTION"
  | "SECTION_ORDER"
  | "DUPLICATE_SECTION"
  | "RAM_BLOCK_LIST"
  | "RAM_PAGE"
  | "ZERO_FILL"
  | "XBZRLE_NO_BASE"
  | "TRAILING_BYTES";

export interface Problem {
  /** Absolute offset in the input. */
  offset: number;
  /** Where in the stream (`cpu (0) / cpreg_vmstate_indexes`), or "" for the stream itself. */
  path: string;
  code: ProblemCode;
  message: string;
}

/** Most problems kept; a badly damaged stream could otherwise produce one per page. */
export const MAX_PROBLEMS = 1000;

export class ProblemList {
  readonly items: Problem[] = [];
  /** Problems dropped past {@link MAX_PROBLEMS}. */
  dropped = 0;

  add(code: ProblemCode, message: string, offset: number, path = ""): void {
    if (this.items.length >= MAX_PROBLEMS) {
      this.dropped++;
      return;
    }
    // Messages and paths quote names the stream chose: shown safe, as every error is.
    this.items.push({ offset, path: printable(path, 300), code, message: printable(message, 600) });
  }

  /** Records a thrown error: a VmstateError with its own code and place, anything else rethrown. */
  addError(e: unknown, fallbackOffset: number, fallbackPath = ""): void {
    if (!(e instanceof VmstateError)) throw e;
    this.add(e.code, e.detail, e.offset ?? fallbackOffset, e.path ?? fallbackPath);
  }

  /** {@link add} with the arguments in the order of a walk check's report. */
  readonly reporter = (code: ProblemCode, message: string, offset: number, path: string): void => this.add(code, message, offset, path);

  get size(): number {
    return this.items.length;
  }

  /** The problems by offset (stable: same-offset problems keep the order they were found in). */
  sorted(): Problem[] {
    return [...this.items].sort((a, b) => a.offset - b.offset);
  }
}
