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

/** The three verdicts explain gives (the field that replaces `loadable`). */
export type Verdict = "loads" | "refuses" | "cannot-tell";

/** What `vmstate-inspect explain --json` said, as far as the matrix reads it. */
export interface ExplainFacts {
  /** Exit status of the command. */
  code: number;
  /** `verdict` when explain gives one, else derived from `loadable` (older explain). */
  verdict: Verdict | null;
  predicted_error: string | null;
  fix_argv: string[] | null;
  /** The command's stderr when it failed (no JSON). */
  stderr: string;
  /** The whole JSON (null when the command printed none). */
  json: Record<string, unknown> | null;
}

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

/** Reads explain's JSON output into the fields the matrix uses. */
export function readExplain(code: number, stdout: string, stderr: string): ExplainFacts {
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    json = null;
  }
  if (!json) return { code, verdict: null, predicted_error: null, fix_argv: null, stderr, json: null };
  const verdict =
    typeof json.verdict === "string"
      ? (json.verdict as Verdict)
      : typeof json.loadable === "boolean"
        ? json.loadable
          ? "loads"
          : "refuses"
        : null;
  const fix = json.fix as { argv?: string[] } | null | undefined;
  return {
    code,
    verdict,
    predicted_error: typeof json.predicted_error === "string" ? json.predicted_error : null,
    fix_argv: fix?.argv ?? null,
    stderr,
    json,
  };
}

/** explain's predicted lines (none when it predicts no error). */
export function predictedLines(e: ExplainFacts): string[] {
  return e.predicted_error === null ? [] : e.predicted_error.split("\n");
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
