/**
 * `vmstate-inspect report` on the big benchmark guests (issue #13): the page must stay under
 * 2 MB of HTML for a 16 GiB guest whatever its vCPU count, and open in under a second. For
 * each stream, with `--dest` (a stream of the same CPU model, so the register table carries
 * a destination column and the verdict a fix):
 * - the page's size in bytes;
 * - the time and peak RSS of making it (one pass over the stream);
 * - Chromium's open time: the page opened from its file in headless Chromium (Debian's,
 *   tools/browser/chromium.ts), a new tab each run, timed from navigation start to the end of
 *   the load event (the page's script, which builds the register table and draws the page
 *   maps, runs before it), median of BENCH_RUNS (default 7).
 *
 * The streams: the largest of tools/make-bench-stream.ts's (one cortex-a57 vCPU), and its 16
 * GiB `--cpu max --smp 16` variant, the most vCPUs and the longest register lists.
 *
 * Called by bench/run.ts (`npm run bench`) through {@link runReportBench}; or alone:
 *   npx tsx bench/report.ts [STREAM DEST]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launchChromium } from "../tools/browser/chromium.js";
import { median } from "./timing.js";

const root = resolve(import.meta.dirname, "..");
const inspectBin = join(root, "packages/cli/bin/vmstate-inspect.cjs");
const probe = join(root, "bench/rss-probe.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** The issue's bounds. */
const MAX_BYTES = 2_000_000;
const MAX_OPEN_MS = 1000;

/** A benchmark stream and the destination it is reported against. */
export interface ReportCase {
  stream: string;
  dest: string;
}

/** The report cases of the benchmark streams present in bench/out. */
export function reportCases(outDir = join(root, "bench/out")): ReportCase[] {
  const a57 = ["large-x16.mig", "large-x4.mig", "large.mig"].map((f) => join(outDir, f)).find((f) => existsSync(f));
  const many = join(outDir, "large-x16-max-16cpu.mig");
  return [
    ...(a57 === undefined ? [] : [{ stream: a57, dest: join(root, "samples/aarch64-virt-7.2-a57.mig") }]),
    // QEMU 10.0's -cpu max lists registers 7.2's lacks and the other way round: every
    // standing has rows, the largest table a destination can make.
    ...(existsSync(many) ? [{ stream: many, dest: join(root, "samples/newer-aarch64-virt-max.mig") }] : []),
  ];
}

export async function runReportBench(cases: ReportCase[]): Promise<void> {
  if (cases.length === 0) {
    console.log("report bench: no benchmark stream: see tools/make-bench-stream.ts");
    return;
  }
  const work = mkdtempSync(join(tmpdir(), "vmstate-report-bench-"));
  const browser = await launchChromium();
  try {
    for (const c of cases) {
      const html = join(work, "report.html");
      const rssFile = join(work, "rss");
      const t = process.hrtime.bigint();
      const r = spawnSync(inspectBin, ["report", c.stream, "--dest", c.dest, "-o", html], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, VMSTATE_RSS_FILE: rssFile, NODE_OPTIONS: `--require=${probe}` },
      });
      const made = Number(process.hrtime.bigint() - t) / 1e9;
      // 0, 6 and 7 are verdicts (loads, refuses, cannot tell); anything else is a failure.
      if (r.status !== 0 && r.status !== 6 && r.status !== 7) throw new Error(`report ${c.stream} failed (${r.status}): ${String(r.stderr).slice(-2000)}`);
      const bytes = statSync(html).size;
      const rss = Number(readFileSync(rssFile, "utf8")) / 1024;
      const open: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await browser.context.newPage();
        await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
        // Milliseconds from navigation start (a string: this project compiles without DOM types).
        open.push(Number(await page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd')));
        await page.close();
      }
      const o = median(open);
      const mb = statSync(c.stream).size / 1048576;
      console.log(
        `report ${mb.toFixed(0).padStart(6)} MB ${c.stream.replace(`${root}/`, "")} --dest ${c.dest.replace(`${root}/`, "")}: ` +
          `${bytes.toLocaleString("en")} bytes of HTML, made in ${made.toFixed(2)} s at ${rss.toFixed(0)} MiB peak RSS; ` +
          `Chromium's load event at ${o.toFixed(0)} ms (${open.map((x) => x.toFixed(0)).join(" ")}) ` +
          `[bounds < ${MAX_BYTES.toLocaleString("en")} bytes, < ${MAX_OPEN_MS} ms: size ${bytes < MAX_BYTES ? "met" : "NOT met"}, open ${o < MAX_OPEN_MS ? "met" : "NOT met"}]`,
      );
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const [stream, dest] = process.argv.slice(2);
  await runReportBench(stream === undefined || dest === undefined ? reportCases() : [{ stream: resolve(stream), dest: resolve(dest) }]);
}
