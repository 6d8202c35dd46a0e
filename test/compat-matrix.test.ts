/**
 * The compatibility matrix (issue #8): real QEMU 7.2, 10.0 and 11.1 as source and destination.
 *
 * Pairs (tools/compat/cases.ts): streams saved by 11.1 and 10.0 from `virt-7.2`, `virt-6.2`
 * and `virt-10.0` guests (cortex-a57, cortex-a72 with two vCPUs, cortex-a53, max) loaded into
 * 7.2 and 10.0, and 7.2's streams loaded into 11.1; the destination runs the source's
 * arguments, and explain compares against the stream the destination release saves from the
 * same guest. For every pair:
 * (a) QEMU's refusal lines are exactly explain's `predicted_error` (start-up deprecation
 *     warnings ignored on both sides), and the verdict says so;
 * (b) when explain proposes a fix, `vmstate-rewrite` with its `fix.argv` makes a stream the
 *     destination loads and runs, and explain on that stream says it loads;
 * (c) when explain proposes none, the case is shown impossible rather than assumed: the best
 *     rewrite there is (the one-step fit to the destination's stream) is still refused by QEMU,
 *     in the words explain predicts for it.
 *
 * Every QEMU run happens in beforeAll, at most two at a time (the machines have two cores);
 * the tests then check what was seen. The outcome rows go to test/compat-matrix.rows.json, and
 * `npm run compat-table` puts them in README.md. Needs all three QEMUs: the harness throws when
 * one is missing, so this fails rather than skips.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectMain, rewriteMain } from "@vmstate/cli";
import { qemuMajorMinor, qemuVersion, requireQemu } from "../tools/qemu/binaries.js";
import { type CompatCase, caseArgs, compatCases, streamKey, streamsOf } from "../tools/compat/cases.js";
import { type ExplainFacts, predictedLines, readExplain } from "../tools/compat/explain-json.js";
import { summariseFix } from "../tools/compat/fix-summary.js";
import { mapLimit, qemuJobs } from "../tools/compat/limit.js";
import { type LoadFacts, loadAndRun } from "../tools/compat/load-case.js";
import { isDeprecationWarning } from "../tools/compat/qemu-lines.js";
import { RELEASES } from "../tools/compat/releases.js";
import { type MatrixRow, writeRows } from "../tools/compat/rows.js";
import { type CapturedStream, captureAll } from "../tools/compat/streams.js";
import { runMain } from "./support/cli.js";

/** The name of explain's three-valued verdict in its JSON (replaces `loadable`). */
const VERDICT_FIELD = "verdict";

/**
 * The best rewrite there is when explain proposes no fix: the one-step form of issue #8 that
 * makes a stream fit a destination, given a stream the destination saved.
 */
const bestRewriteArgv = (destStream: string, destQemu: string): string[] => ["--fit", destStream, "--dest-qemu", destQemu];

/** A rewrite, what QEMU did with its output, and what explain says about that output. */
interface RewriteRun {
  argv: string[];
  code: number;
  stderr: string;
  /** Absent when the rewrite failed. */
  qemu?: LoadFacts;
  explain?: ExplainFacts;
}

/** Everything seen for one pair. */
interface Outcome {
  /** QEMU on the stream as saved. */
  saved: LoadFacts;
  /** explain on the stream as saved, told the destination's release. */
  explained: ExplainFacts;
  /** explain on the stream as saved, left to infer the release from the destination's stream. */
  inferred: ExplainFacts;
  /** explain's fix applied (b), or the best rewrite when it has none (c). */
  rewrite: RewriteRun | null;
}

const cases = compatCases();
const work = mkdtempSync(join(tmpdir(), "vmstate-compat-"));
const outcomes = new Map<string, Outcome | { error: unknown }>();
const failed = new Set<string>();
const versions: Record<string, string> = {};

async function explain(src: string, destStream: string, destQemu?: string): Promise<ExplainFacts> {
  const release = destQemu === undefined ? [] : ["--dest-qemu", destQemu];
  const run = await runMain(inspectMain, ["explain", "--json", src, "--dest", destStream, ...release]);
  return readExplain(run.code, run.printed, run.stderr, VERDICT_FIELD);
}

async function rewriteAndLoad(c: CompatCase, src: string, destStream: string, argv: string[], out: string): Promise<RewriteRun> {
  const run = await runMain(rewriteMain, ["-i", src, "-o", out, ...argv]);
  if (run.code !== 0) return { argv, code: run.code, stderr: run.stderr };
  const qemu = await loadAndRun(c.dest, caseArgs(c), out);
  return { argv, code: run.code, stderr: run.stderr, qemu, explain: await explain(out, destStream, destQemu(c)) };
}

/** The destination's release as `--dest-qemu` takes it ("7.2"), from the binary that runs it. */
const destQemu = (c: CompatCase): string => qemuMajorMinor(requireQemu(c.dest.kind));

async function runCase(c: CompatCase, streams: Map<string, CapturedStream>): Promise<Outcome> {
  const src = streams.get(streamKey(c.source))!.file;
  const destStream = streams.get(streamKey(c.destStream))!.file;
  const saved = await loadAndRun(c.dest, caseArgs(c), src);
  const explained = await explain(src, destStream, destQemu(c));
  const inferred = await explain(src, destStream);
  if (explained.json === null) return { saved, explained, inferred, rewrite: null };
  const argv = explained.fix_argv ?? bestRewriteArgv(destStream, destQemu(c));
  const rewrite = await rewriteAndLoad(c, src, destStream, argv, join(work, "rewritten", `${c.id}.mig`));
  return { saved, explained, inferred, rewrite };
}

beforeAll(async () => {
  for (const r of RELEASES) versions[r.name] = qemuVersion(requireQemu(r.kind));
  const streams = await captureAll(streamsOf(cases), join(work, "streams"));
  mkdirSync(join(work, "rewritten"));
  await mapLimit(cases, qemuJobs(), async (c) => {
    try {
      outcomes.set(c.id, await runCase(c, streams));
    } catch (error) {
      outcomes.set(c.id, { error });
    }
  });
}, 30 * 60_000);

afterAll(() => {
  // Only a complete run replaces the rows the README was made from.
  if (outcomes.size === cases.length) writeRows(cases.map(row), versions);
  rmSync(work, { recursive: true, force: true });
});

function outcome(id: string): Outcome {
  const o = outcomes.get(id);
  if (!o) throw new Error(`${id}: no outcome (beforeAll failed)`);
  if ("error" in o) throw o.error;
  return o;
}

/** Lines without QEMU's start-up deprecation warning (printed whatever the stream holds). */
const withoutDeprecation = (lines: readonly string[]) => lines.filter((l) => !isDeprecationWarning(l));

/** The first line QEMU printed that is not a warning: the error a person sees. */
function firstError(q: LoadFacts): string {
  return q.lines.find((l) => !l.startsWith("warning: ")) ?? q.lines[0] ?? "(no message)";
}

/** QEMU's error lines without warnings, shortened to the first and last: what a cell can hold. */
function errorGist(q: LoadFacts): string {
  const errors = q.lines.filter((l) => !l.startsWith("warning: "));
  if (errors.length <= 2) return errors.join(" / ") || "(no message)";
  return `${errors[0]} / … / ${errors[errors.length - 1]}`;
}

/** The README row of one pair. */
function row(c: CompatCase): MatrixRow {
  const o = outcomes.get(c.id)!;
  const base = {
    id: c.id,
    source: { release: c.source.release.name, machine: c.source.guest.machine, cpu: c.source.guest.cpu.args.slice(1).join(" ") },
    dest: { release: c.dest.name },
    passed: !failed.has(c.id),
  };
  if ("error" in o) return { ...base, qemu_says: "", fix: "", fix_argv: null, result: `harness error: ${String(o.error).split("\n")[0]}` };
  const e = o.explained;
  const qemuSays = o.saved.loaded ? "" : firstError(o.saved);
  const differs = JSON.stringify(withoutDeprecation(predictedLines(e))) !== JSON.stringify(o.saved.loaded ? [] : o.saved.lines);
  const note = differs ? "; explain's prediction differs" : "";
  if (o.saved.loaded) return { ...base, qemu_says: "", fix: "none needed", fix_argv: null, result: `loads${note}` };
  const rw = o.rewrite;
  if (!e.fix_argv) {
    const shown = rw?.qemu ? (rw.qemu.loaded ? "but the best rewrite loads" : `the best rewrite is refused: ${errorGist(rw.qemu)}`) : "the best rewrite failed";
    return { ...base, qemu_says: qemuSays, fix: "no fix", fix_argv: null, result: `no fix: ${shown}${note}` };
  }
  const result = !rw?.qemu
    ? `the fix does not run (vmstate-rewrite exit ${rw?.code})`
    : rw.qemu.loaded
      ? rw.qemu.runs
        ? "loads and runs after the fix"
        : `loads after the fix, does not run (${rw.qemu.runState})`
      : `still refused after the fix: ${errorGist(rw.qemu)}`;
  return { ...base, qemu_says: qemuSays, fix: summariseFix(e.fix_argv), fix_argv: e.fix_argv, result: result + note };
}

describe.each(cases.map((c) => ({ id: c.id })))("compatibility matrix: $id", ({ id }) => {
  it("(a) explain predicts exactly what QEMU says about the stream as saved", ({ onTestFailed }) => {
    onTestFailed(() => void failed.add(id));
    const { saved, explained: e } = outcome(id);
    expect(e.json, `explain printed no JSON: ${e.stderr}`).not.toBeNull();
    expect(e.verdict, `explain's ${VERDICT_FIELD}`).toBe(saved.loaded ? "loads" : "refuses");
    expect(withoutDeprecation(predictedLines(e))).toEqual(saved.loaded ? [] : saved.lines);
  });

  it("(a') without --dest-qemu, explain infers what it can and never answers wrongly", ({ onTestFailed }) => {
    onTestFailed(() => void failed.add(id));
    const { saved, inferred: e } = outcome(id);
    expect(e.json, `explain printed no JSON: ${e.stderr}`).not.toBeNull();
    // "cannot-tell" is honest when the release matters and the stream does not show it.
    expect(["cannot-tell", saved.loaded ? "loads" : "refuses"]).toContain(e.verdict);
    // Its words, when it gives them (not when a problem it cannot judge may stop QEMU first).
    if (e.verdict === "refuses" && e.predicted_error !== null) expect(withoutDeprecation(predictedLines(e))).toEqual(saved.lines);
  });

  it("(b) explain's fix loads and runs, or (c) without a fix, QEMU still refuses the best rewrite", ({ onTestFailed }) => {
    onTestFailed(() => void failed.add(id));
    const { saved, explained: e, rewrite: rw } = outcome(id);
    if (saved.loaded) {
      expect(e.fix_argv, "a fix for a stream QEMU loads as it is").toBeNull();
      return;
    }
    expect(rw, `explain printed no JSON: ${e.stderr}`).not.toBeNull();
    expect(rw!.code, `vmstate-rewrite ${rw!.argv.join(" ")}: ${rw!.stderr}`).toBe(0);
    const q = rw!.qemu!;
    const again = rw!.explain!;
    if (e.fix_argv) {
      // (b): the fix, applied as proposed, is a stream the destination loads and runs.
      expect(q.loaded, `QEMU refused the fixed stream: ${firstError(q)}`).toBe(true);
      expect(q.runs, `after cont: ${q.runState}`).toBe(true);
      expect(again.verdict, `explain's ${VERDICT_FIELD} on the fixed stream`).toBe("loads");
      expect(again.predicted_error).toBeNull();
      expect(again.fix_argv).toBeNull();
    } else {
      // (c): no fix claimed; QEMU must prove it, and explain must say why in QEMU's words.
      expect(e.verdict, `explain's ${VERDICT_FIELD} without a fix`).not.toBe("loads");
      expect(q.loaded, "explain proposed no fix, but the best rewrite loads").toBe(false);
      expect(again.verdict, `explain's ${VERDICT_FIELD} on the best rewrite`).toBe("refuses");
      expect(withoutDeprecation(predictedLines(again))).toEqual(q.lines);
    }
  });
});
