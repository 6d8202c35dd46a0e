/**
 * `npm run bench`: start-up cost, repository against installed (bench/startup.ts); then speed
 * and memory of vmstate on large real streams (never part of the tests). Streams come from
 * tools/make-bench-stream.ts: 1, 4 and 16 GiB guests holding 300 MiB of random data per GiB;
 * make the ones you want first (missing ones are skipped).
 *
 * For each size: `cat IN | vmstate-rewrite --hide … > /dev/null` against `cat IN | cat >
 * /dev/null`, alternating, with a bare Node.js read/write loop beside them; medians of the
 * runs, and the median of each run's own vmstate/cat ratio (the two ran back to back, so the
 * machine's load drifts less between them), with vmstate's peak RSS. Then the in-process
 * decode throughput, the file benchmarks (bench/files.ts: --in-place and -o, which do not
 * read RAM), compressed libvirt images (bench/compressed.ts), the inspect benchmarks (bench/inspect.ts) against QEMU's
 * analyze-migration.py when it is available, and `vmstate-inspect report`'s page size and
 * Chromium open time on the big guests (bench/report.ts). `verify`'s peak RSS on mapped-ram
 * files and compressed libvirt images comes first, as it needs no large stream
 * (bench/verify-memory.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FdReader } from "@vmstate/wire";
import { StreamDecoder } from "@vmstate/stream";
import { runInspectBench } from "./inspect.js";
import { runFilesBench } from "./files.js";
import { runCompressedBench } from "./compressed.js";
import { reportCases, runReportBench } from "./report.js";
import { runStartupBench } from "./startup.js";
import { runVerifyMemoryBench } from "./verify-memory.js";
import { median, timed } from "./timing.js";

const root = resolve(import.meta.dirname, "..");
const rewriteBin = join(root, "packages/cli/bin/vmstate-rewrite.cjs");
const probe = join(root, "bench/rss-probe.cjs");
const floor = join(root, "bench/node-floor.mjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** The targets for `vmstate-rewrite --hide` in a pipe. */
const TARGET_RATIO = 1.25;
const TARGET_RSS_MIB = 64;
/** KVM_REG_ARM_VENDOR_HYP_BMAP_2: tools/make-bench-stream.ts puts it in, as a newer host's QEMU would. */
const HIDE = "0x6030000000160003";

const streams = ["large.mig", "large-x4.mig", "large-x16.mig"].map((f) => join(root, "bench/out", f));

function timeShell(cmd: string, env: NodeJS.ProcessEnv = process.env): number {
  return timed("bash", ["-c", cmd], { env });
}

/** The rewrite must really change the stream: a stream made before the register was put in would time a plain copy. */
function checkHides(file: string): void {
  const r = spawnSync(rewriteBin, ["--dry-run", "-i", file, "--hide", HIDE], { encoding: "utf8" });
  if (r.status !== 0 || !/would hide 0x6030000000160003/.test(r.stderr)) {
    throw new Error(`${file}: --hide ${HIDE} changes nothing (exit ${r.status}): remake it with tools/make-bench-stream.ts\n${r.stderr}`);
  }
}

function benchRewrite(file: string): void {
  checkHides(file);
  const mb = statSync(file).size / 1048576;
  const dir = mkdtempSync(join(tmpdir(), "vmstate-bench-"));
  const rssFile = join(dir, "rss");
  const cat: number[] = [];
  const bare: number[] = [];
  const ours: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      cat.push(timeShell(`cat '${file}' | cat > /dev/null`));
      bare.push(timeShell(`cat '${file}' | node '${floor}' > /dev/null`));
      // The bin runs as a user runs it (its shebang sets Node's flags); the probe rides along.
      const env = { ...process.env, VMSTATE_RSS_FILE: rssFile, NODE_OPTIONS: `--require=${probe}` };
      ours.push(timeShell(`cat '${file}' | '${rewriteBin}' --quiet --hide ${HIDE} > /dev/null`, env));
      rss.push(Number(readFileSync(rssFile, "utf8")) / 1024);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const c = median(cat);
  const b = median(bare);
  const o = median(ours);
  const perRun = ours.map((t, i) => t / cat[i]!).sort((x, y) => x - y);
  const ratio = median(perRun);
  const peak = Math.max(...rss);
  const verdict = `time ${ratio <= TARGET_RATIO ? "met" : "NOT met"}, memory ${peak <= TARGET_RSS_MIB ? "met" : "NOT met"}`;
  console.log(
    `rewrite --hide ${mb.toFixed(0).padStart(5)} MB: cat|cat ${c.toFixed(3)} s, bare Node loop ${b.toFixed(3)} s (${(b / c).toFixed(2)}x), ` +
      `vmstate ${o.toFixed(3)} s (${(mb / o).toFixed(0)} MB/s), ratio ${ratio.toFixed(2)} (${perRun.map((r) => r.toFixed(2)).join(" ")}), peak RSS ${peak.toFixed(1)} MiB ` +
      `[${RUNS} runs; targets <= ${TARGET_RATIO}x, <= ${TARGET_RSS_MIB} MiB: ${verdict}]`,
  );
}

async function benchDecode(file: string): Promise<void> {
  const mb = statSync(file).size / 1048576;
  const fd = openSync(file, "r");
  const t = process.hrtime.bigint();
  let records = 0;
  try {
    for await (const _ of new StreamDecoder(new FdReader(fd)).records()) records++;
  } finally {
    closeSync(fd);
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`decode (all records, in-process) ${mb.toFixed(0).padStart(6)} MB  ${s.toFixed(3)} s  ${(mb / s).toFixed(0)} MB/s  ${records} records`);
}

console.log(`node ${process.version}; ${execFileSync("nproc").toString().trim()} cores`);
runStartupBench(RUNS);
runVerifyMemoryBench();
const present = streams.filter((f) => existsSync(f));
if (present.length === 0) {
  console.error("no benchmark stream: run `npx tsx tools/make-bench-stream.ts` (and `--scale 4`, `--scale 16`) first");
  process.exit(2);
}
for (const f of present) benchRewrite(f);
for (const f of present) await benchDecode(f);
await runFilesBench(present);
runCompressedBench(present, HIDE);
await runInspectBench(present[0]!);
await runReportBench(reportCases());
