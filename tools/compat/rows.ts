/**
 * The outcome rows the matrix test writes, one per pair: the README's table is made from them.
 *
 * Why a file between the test and the README: the table must come from a real run with real
 * QEMU, not be typed by hand; the test writes what it saw, `npm run compat-table` renders it.
 * The file is kept in the repository so a README change can be traced to the run behind it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../qemu/binaries.js";

/** One pair's outcome. */
export interface MatrixRow {
  id: string;
  source: { release: string; machine: string; cpu: string };
  dest: { release: string };
  /** QEMU's first error line for the stream as saved (warnings skipped); empty when it loads. */
  qemu_says: string;
  /** What explain's fix changes (fix-summary.ts), or why there is none. */
  fix: string;
  /** The full rewrite arguments of the fix (null: none). */
  fix_argv: string[] | null;
  /** The outcome in a few words: `loads and runs after the fix`, `still refused: …`, … */
  result: string;
  /** True when every assertion of the pair held. */
  passed: boolean;
}

/** Where the rows go (`VMSTATE_COMPAT_ROWS` overrides). */
export function rowsPath(): string {
  return process.env.VMSTATE_COMPAT_ROWS ?? join(repoRoot, "test", "compat-matrix.rows.json");
}

/**
 * Writes the rows, with the time and QEMU versions of the run. A run that saw exactly what the
 * file already says leaves it alone, so `npm test` does not dirty the checkout with a new time.
 */
export function writeRows(rows: readonly MatrixRow[], versions: Record<string, string>, path = rowsPath()): void {
  const seen = JSON.stringify({ versions, rows });
  if (existsSync(path)) {
    const before = readRows(path);
    if (JSON.stringify({ versions: before.versions, rows: before.rows }) === seen) return;
  }
  writeFileSync(path, JSON.stringify({ generated: new Date().toISOString(), versions, rows }, null, 2) + "\n");
}

/** Reads rows written by {@link writeRows}. */
export function readRows(path = rowsPath()): { generated: string; versions: Record<string, string>; rows: MatrixRow[] } {
  return JSON.parse(readFileSync(path, "utf8")) as { generated: string; versions: Record<string, string>; rows: MatrixRow[] };
}
