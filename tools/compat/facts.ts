/**
 * The facts of one pair: what QEMU did with the stream, and what our tools said about it.
 *
 * Why both in one record: the point of the matrix is to hold explain's prediction against the
 * real QEMU; a reader (and the lead rebuilding explain) needs QEMU's full stderr beside
 * explain's `predicted_error`, with whether they match line for line.
 */
import type { CompatCase } from "./cases.js";
import { caseArgs } from "./cases.js";
import { describeGuest } from "./guests.js";
import type { LoadFacts } from "./load-case.js";
import type { CapturedStream } from "./streams.js";
import { type ExplainFacts, predictedLines } from "./explain-json.js";

/** One pair of the matrix with its facts. */
export interface PairFacts {
  id: string;
  source: { release: string; version: string; guest: string; argv: string[]; file: string };
  dest: { release: string; version: string; args: string[]; stream: string };
  qemu: LoadFacts;
  explain: ExplainFacts;
  /** `vmstate-inspect diff SRC DEST.mig`, as printed. */
  diff: { code: number; text: string };
  /** explain's predicted lines equal QEMU's refusal lines (both empty when it loads). */
  prediction_matches: boolean;
}

/** Puts one pair's record together. */
export function pairFacts(
  c: CompatCase,
  src: CapturedStream,
  dst: CapturedStream,
  qemu: LoadFacts,
  explain: ExplainFacts,
  diff: { code: number; text: string },
): PairFacts {
  const qemuSays = qemu.loaded ? [] : qemu.lines;
  return {
    id: c.id,
    source: { release: c.source.release.name, version: src.version, guest: describeGuest(c.source.guest), argv: src.argv, file: src.file },
    dest: { release: c.dest.name, version: dst.version, args: caseArgs(c), stream: dst.file },
    qemu,
    explain,
    diff,
    prediction_matches: JSON.stringify(predictedLines(explain)) === JSON.stringify(qemuSays),
  };
}
