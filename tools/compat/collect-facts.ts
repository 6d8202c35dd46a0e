/**
 * Collects the ground truth of the compatibility matrix and writes it as JSON and markdown.
 *
 *   npm run build && npx tsx tools/compat/collect-facts.ts [--out DIR] [--cache DIR] [--only SUBSTR] [--preamble FILE]
 *   npx tsx tools/compat/collect-facts.ts --rerender [--out DIR] [--preamble FILE]
 *
 * Captures every stream once (tools/compat/streams.ts, cached), loads each source into its
 * destination (tools/compat/load-case.ts), and runs the built `vmstate-inspect explain --json`
 * and `diff` on each pair. Writes DIR/compat-facts.json and DIR/compat-facts.md (default DIR:
 * the current directory). QEMU runs at most two at a time (`VMSTATE_COMPAT_JOBS`).
 * `--rerender` only renders DIR/compat-facts.json again (after editing the preamble).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { caseArgs, compatCases, streamKey, streamsOf } from "./cases.js";
import { runBuiltCli } from "./cli.js";
import { readExplain } from "./explain-json.js";
import { pairFacts, type PairFacts } from "./facts.js";
import { renderFacts } from "./facts-markdown.js";
import { mapLimit, qemuJobs } from "./limit.js";
import { loadAndRun } from "./load-case.js";
import { captureAll } from "./streams.js";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const outDir = resolve(opt("--out") ?? ".");
const cacheDir = resolve(opt("--cache") ?? join(tmpdir(), "vmstate-compat-streams"));
const only = opt("--only");
const preambleFile = opt("--preamble");

if (argv.includes("--rerender")) {
  const saved = JSON.parse(readFileSync(join(outDir, "compat-facts.json"), "utf8")) as { generated: string; pairs: PairFacts[] };
  writeMarkdown(saved.pairs, saved.generated);
  process.exit(0);
}

/** Writes DIR/compat-facts.md. */
function writeMarkdown(pairs: readonly PairFacts[], generated: string): void {
  const preamble = preambleFile ? readFileSync(preambleFile, "utf8") : undefined;
  writeFileSync(join(outDir, "compat-facts.md"), renderFacts(pairs, { generated, preamble }));
}

const cases = compatCases().filter((c) => !only || c.id.includes(only));
const t0 = Date.now();
const streams = await captureAll(streamsOf(cases), cacheDir);
const made = [...streams.values()].filter((s) => !s.cached).length;
console.error(`${streams.size} streams (${made} captured) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const t1 = Date.now();
const pairs = await mapLimit(cases, qemuJobs(), async (c) => {
  const src = streams.get(streamKey(c.source))!;
  const dst = streams.get(streamKey(c.destStream))!;
  const qemu = await loadAndRun(c.dest, caseArgs(c), src.file);
  const ex = runBuiltCli("vmstate-inspect", ["explain", "--json", src.file, "--dest", dst.file]);
  const diff = runBuiltCli("vmstate-inspect", ["diff", src.file, dst.file]);
  const p = pairFacts(c, src, dst, qemu, readExplain(ex.code, ex.stdout, ex.stderr), { code: diff.code, text: diff.stdout + diff.stderr });
  console.error(`${c.id}: ${qemu.loaded ? (qemu.runs ? "loads, runs" : "loads, does not run") : `refuses: ${qemu.lines.join(" / ")}`}${p.prediction_matches ? "" : "  [explain differs]"}`);
  return p;
});
console.error(`${pairs.length} pairs in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

const generated = new Date().toISOString();
writeFileSync(join(outDir, "compat-facts.json"), JSON.stringify({ generated, pairs }, null, 2) + "\n");
writeMarkdown(pairs, generated);
