/**
 * `vmstate-inspect` against QEMU's own `scripts/analyze-migration.py` on the large benchmark
 * stream, in the same run: `summary` against `-d state` (both read every record and every
 * device field), and `extract-ram` against `-x` (both write every RAM block to a file).
 * Whole processes are timed, as a user runs them (start-up included), alternating, median of
 * BENCH_RUNS (default 3). The two extractions are also compared file by file.
 *
 * Called by bench/run.ts (`npm run bench`) through {@link runInspectBench}; or directly:
 *   npx tsx bench/inspect.ts [STREAM]
 *
 * The stream comes from tools/make-bench-stream.ts. The script is looked for in
 * VMSTATE_ANALYZE_MIGRATION, else .cache/analyze-migration/*.vmstate-patched.py (made by
 * tools/gen-analyze-migration-golden.ts, which explains where the script comes from and why
 * the patched copy: the released script cannot read QEMU 7.2 aarch64 streams).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { median, timed } from "./timing.js";

const root = resolve(import.meta.dirname, "..");
const inspectBin = join(root, "packages/cli/bin/vmstate-inspect.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** One comparison's result, in seconds (medians). */
export interface InspectBenchResult {
  task: string;
  ours: number;
  theirs: number | undefined;
  /** theirs / ours: how many times faster we are. */
  speedup: number | undefined;
}

function findScript(): string | undefined {
  const env = process.env.VMSTATE_ANALYZE_MIGRATION;
  if (env) return existsSync(env) ? env : undefined;
  const dir = join(root, ".cache/analyze-migration");
  if (!existsSync(dir)) return undefined;
  const patched = readdirSync(dir).filter((f) => f.endsWith(".vmstate-patched.py")).sort();
  return patched.length ? join(dir, patched[patched.length - 1]!) : undefined;
}


/** True when every file python wrote (relative paths) equals ours (flat, safe names). */
function sameExtraction(pyDir: string, ourDir: string): boolean {
  const walk = (d: string, rel = ""): string[] =>
    readdirSync(join(d, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(d, join(rel, e.name)) : [join(rel, e.name)]));
  const files = walk(pyDir).filter((f) => f !== "desc.json" && f !== "state.json");
  return files.every((f) => {
    const ours = join(ourDir, f.replace(/\//g, "_") + ".bin");
    return existsSync(ours) && spawnSync("cmp", ["-s", join(pyDir, f), ours]).status === 0;
  });
}

/**
 * Times `summary` and `extract-ram` against analyze-migration.py `-d state` and `-x` on
 * `stream`, printing one line per task with both times and the speed-up.
 */
export async function runInspectBench(stream: string): Promise<InspectBenchResult[]> {
  if (!existsSync(stream)) {
    console.log(`inspect bench: ${stream} is missing: make it with \`npx tsx tools/make-bench-stream.ts\``);
    return [];
  }
  if (!existsSync(inspectBin.replace("bin/vmstate-inspect.cjs", "dist/index.js"))) {
    console.log("inspect bench: build first (npx tsc -b)");
    return [];
  }
  const script = findScript();
  if (!script) {
    console.log("inspect bench: analyze-migration.py not found: set VMSTATE_ANALYZE_MIGRATION, or see tools/gen-analyze-migration-golden.ts; timing vmstate-inspect alone");
  }
  const mb = statSync(stream).size / 1048576;
  const work = mkdtempSync(join(tmpdir(), "vmstate-inspect-bench-"));
  const results: InspectBenchResult[] = [];
  try {
    const times = { summary: [] as number[], state: [] as number[], extract: [] as number[], x: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      const ours = join(work, `ours-${i}`);
      const py = join(work, `py-${i}`);
      mkdirSync(py);
      times.summary.push(timed(inspectBin, ["summary", stream], { cwd: root }));
      if (script) times.state.push(timed("python3", [script, "-f", stream, "-d", "state"], { cwd: root }));
      times.extract.push(timed(inspectBin, ["extract-ram", stream, ours], { cwd: root }));
      if (script) times.x.push(timed("python3", [script, "-f", stream, "-x"], { cwd: py }));
      if (script && i === 0 && !sameExtraction(py, ours)) console.log("inspect bench: WARNING: extract-ram and analyze-migration.py -x wrote different files");
      rmSync(ours, { recursive: true, force: true });
      rmSync(py, { recursive: true, force: true });
    }
    const row = (task: string, ours: number[], theirs: number[]): InspectBenchResult => {
      const o = median(ours);
      const t = theirs.length ? median(theirs) : undefined;
      return { task, ours: o, theirs: t, speedup: t === undefined ? undefined : t / o };
    };
    results.push(row("summary vs -d state", times.summary, times.state), row("extract-ram vs -x", times.extract, times.x));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const r of results) {
    const theirs = r.theirs === undefined ? "" : `  analyze-migration.py ${r.theirs.toFixed(3)} s  ${r.speedup!.toFixed(1)}x faster${r.speedup! >= 2 ? "" : " (below the 2x aim)"}`;
    console.log(`inspect ${r.task.padEnd(20)} ${mb.toFixed(0).padStart(6)} MB  vmstate-inspect ${r.ours.toFixed(3)} s${theirs}  [median of ${RUNS}]`);
  }
  return results;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  await runInspectBench(resolve(process.argv[2] ?? join(root, "bench/out/large.mig")));
}
