/**
 * The file benchmarks of `npm run bench` (also `npx tsx bench/files.ts` alone), for issue #9:
 *
 * - `vmstate-rewrite -i F --in-place --hide …` on each large stream against the same on a
 *   ~1 MB stream: a file's device state is found from its end and only that is rewritten,
 *   so the time must not grow with the guest's RAM (target: the 16 GiB guest within 1.5x of
 *   the 1 MB stream). Between runs the old end of the file is put back (and synced), so
 *   every run really removes the register.
 * - `vmstate-rewrite -i F -o NEW --hide …` against `cp F NEW`, and against `cp` then `sync
 *   NEW`, since vmstate-rewrite syncs what it writes; NEW is removed after each run. (On a
 *   file system with reflinks both are instant; ext4 has none, so both copy in the kernel.)
 * - the same two on the mapped-ram samples (275 MB files of mostly holes, the register added
 *   first), against the ~1 MB stream: the decoder skips their page areas, so `--in-place`
 *   reads a few hundred KiB whatever the RAM; `-o` copies the file keeping its holes, which
 *   reads it whole (Node.js has no SEEK_DATA to find them).
 *
 * `npx tsx bench/files.ts mapped-ram` runs only the ~1 MB stream and the mapped-ram samples.
 */
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { simulateNewerSource } from "../tools/simulate-newer-source.js";
import { median, timed } from "./timing.js";

const root = resolve(import.meta.dirname, "..");
const rewriteBin = join(root, "packages/cli/bin/vmstate-rewrite.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const HIDE = "0x6030000000160003";
const TARGET_RATIO = 1.5;
/** What is saved and put back between in-place runs: more than any device state here. */
const TAIL_BACKUP = 8 << 20;

/** Puts the file's last bytes back as they were, synced, so the next run has the same work. */
function tailKeeper(file: string): () => void {
  const size = statSync(file).size;
  const n = Math.min(size, TAIL_BACKUP);
  const saved = new Uint8Array(n);
  const fd = openSync(file, "r");
  readSync(fd, saved, 0, n, size - n);
  closeSync(fd);
  return () => {
    const w = openSync(file, "r+");
    writeSync(w, saved, 0, n, size - n);
    ftruncateSync(w, size);
    fsyncSync(w);
    closeSync(w);
  };
}

function inPlaceRuns(file: string): number[] {
  const size = statSync(file).size;
  const restore = tailKeeper(file);
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      times.push(timed(rewriteBin, ["-i", file, "--in-place", "--hide", HIDE, "--quiet"]));
      // Each vCPU loses an id and a value: a file that kept its size timed nothing.
      if (statSync(file).size >= size) throw new Error(`${file}: --in-place --hide ${HIDE} removed nothing; remake it with tools/make-bench-stream.ts`);
      restore();
    }
  } finally {
    restore();
  }
  return times;
}

const mb = (file: string) => statSync(file).size / 1e6;

const MAPPED_RAM_SAMPLES = ["newer-aarch64-virt-mapped-ram.mig", "newer-aarch64-virt-mapped-ram-multifd.mig"];

/** `--in-place` and `-o` on each mapped-ram sample, expanded into `dir` with the register added. */
function mappedRamLines(dir: string, small: string, base: number): void {
  for (const name of MAPPED_RAM_SAMPLES) {
    // tar restores the holes: the expanded file takes as little disk as QEMU's.
    execFileSync("tar", ["-xzf", join(root, "samples", `${name}.tar.gz`), "-C", dir]);
    const f = join(dir, name);
    execFileSync(rewriteBin, ["-i", f, "--in-place", "--add", `${HIDE}=0`, "--quiet"]);
    const t = median(inPlaceRuns(f));
    console.log(`in-place --hide mapped-ram ${name} ${mb(f).toFixed(1)} MB: ${t.toFixed(3)} s, ${(t / base).toFixed(2)}x the ${mb(small).toFixed(1)} MB stream`);
    const out = join(dir, "out.mig");
    const o = median(
      Array.from({ length: RUNS }, () => {
        const seconds = timed(rewriteBin, ["-i", f, "-o", out, "--hide", HIDE, "--quiet"]);
        rmSync(out);
        return seconds;
      }),
    );
    console.log(`-o new file --hide mapped-ram ${name} ${mb(f).toFixed(1)} MB: ${o.toFixed(3)} s, ${(o / base).toFixed(2)}x the ${mb(small).toFixed(1)} MB stream's in-place [medians of ${RUNS}]`);
    rmSync(f);
  }
}

export async function runFilesBench(streams: string[], mappedRamOnly = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-bench-files-"));
  try {
    const small = join(dir, "small.mig");
    await simulateNewerSource(join(root, "samples/aarch64-virt-xbzrle.mig"), small, new Map([[0x6030000000160003n, 0n]]));
    const base = median(inPlaceRuns(small));
    console.log(`in-place --hide ${mb(small).toFixed(1).padStart(7)} MB: ${base.toFixed(3)} s (median of ${RUNS})`);
    mappedRamLines(dir, small, base);
    if (mappedRamOnly) return;
    for (const f of streams) {
      const t = median(inPlaceRuns(f));
      const ratio = t / base;
      console.log(
        `in-place --hide ${mb(f).toFixed(1).padStart(7)} MB: ${t.toFixed(3)} s, ${ratio.toFixed(2)}x the ${mb(small).toFixed(1)} MB stream [target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "met" : "NOT met"}]`,
      );
    }
    for (const f of streams) {
      const out = join(dir, "out.mig");
      const ours: number[] = [];
      const cp: number[] = [];
      const cpSync: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        cp.push(timed("cp", [f, out]));
        rmSync(out);
        cpSync.push(timed("bash", ["-c", `cp '${f}' '${out}' && sync '${out}'`]));
        rmSync(out);
        ours.push(timed(rewriteBin, ["-i", f, "-o", out, "--hide", HIDE, "--quiet"]));
        rmSync(out);
      }
      const o = median(ours);
      console.log(
        `-o new file --hide ${mb(f).toFixed(0).padStart(5)} MB: vmstate ${o.toFixed(3)} s, cp ${median(cp).toFixed(3)} s (${(o / median(cp)).toFixed(2)}x), ` +
          `cp + sync ${median(cpSync).toFixed(3)} s (${(o / median(cpSync)).toFixed(2)}x) [medians of ${RUNS}]`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const streams = ["large.mig", "large-x4.mig", "large-x16.mig"].map((f) => join(root, "bench/out", f)).filter((f) => existsSync(f));
  await runFilesBench(streams, process.argv[2] === "mapped-ram");
}
