/**
 * Reading `vmstate-inspect explain --json` as the matrix needs it.
 *
 * Why the verdict field is a parameter: explain's three-valued verdict replaces its boolean
 * `loadable` (issue #8), and the field's final name is the explain author's to choose; the
 * matrix test names it once and passes it here. The facts script also shows what an explain
 * without that field said (`loadable`), so a report from before the change still reads.
 */

/** The three verdicts explain gives. */
export type Verdict = "loads" | "refuses" | "cannot-tell";

/** What explain said, as far as the matrix reads it. */
export interface ExplainFacts {
  /** Exit status of the command. */
  code: number;
  /** The verdict field's value; null when explain printed no such field (or no JSON). */
  verdict: Verdict | null;
  /** The older boolean `loadable`, when present. */
  loadable: boolean | null;
  predicted_error: string | null;
  /** `fix.argv`: the `vmstate-rewrite` arguments explain proposes; null when none. */
  fix_argv: string[] | null;
  /** The command's stderr. */
  stderr: string;
  /** The whole JSON (null when the command printed none). */
  json: Record<string, unknown> | null;
}

/** Reads explain's output; `verdictField` names the verdict (default `verdict`). */
export function readExplain(code: number, stdout: string, stderr: string, verdictField = "verdict"): ExplainFacts {
  let json: Record<string, unknown> | null;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    json = null;
  }
  const v = json?.[verdictField];
  const fix = json?.fix as { argv?: unknown } | null | undefined;
  return {
    code,
    verdict: v === "loads" || v === "refuses" || v === "cannot-tell" ? v : null,
    loadable: typeof json?.loadable === "boolean" ? json.loadable : null,
    predicted_error: typeof json?.predicted_error === "string" ? json.predicted_error : null,
    fix_argv: Array.isArray(fix?.argv) ? (fix.argv as string[]) : null,
    stderr,
    json,
  };
}

/** The verdict, or the one an older explain's `loadable` implies, for reports. */
export function verdictForReport(e: ExplainFacts): string {
  if (e.verdict) return e.verdict;
  if (e.loadable !== null) return `${e.loadable ? "loads" : "refuses"} (loadable)`;
  return e.json ? "none" : `failed (exit ${e.code})`;
}

/** explain's predicted lines (none when it predicts no error). */
export function predictedLines(e: ExplainFacts): string[] {
  return e.predicted_error === null ? [] : e.predicted_error.split("\n");
}
