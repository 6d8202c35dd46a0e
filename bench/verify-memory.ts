/**
 * `vmstate-inspect verify`'s peak RSS where it once grew with the guest's RAM: on mapped-ram
 * files (the two QEMU 10.0 samples, 128 MiB guests whose files are 275 MB of mostly holes,
 * and bench/out/large-mapped-ram.mig when tools/make-bench-mapped-ram.ts made it) and on the
 * real compressed libvirt images (samples/libvirt/*.sav; bench/compressed.ts measures gzip
 * images of the large streams). Both must stay near Node's own ~70 MiB whatever the RAM.
 *
 * Called by bench/run.ts (`npm run bench`); or alone: npx tsx bench/verify-memory.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { timedWithPeakRss } from "./timing.js";

const root = resolve(import.meta.dirname, "..");
const inspectBin = join(root, "packages/cli/bin/vmstate-inspect.cjs");
const MAPPED_RAM_SAMPLES = ["newer-aarch64-virt-mapped-ram.mig", "newer-aarch64-virt-mapped-ram-multifd.mig"];
const LIBVIRT_IMAGES = ["gzip", "bzip2", "xz", "lzop", "zstd"].map((f) => `${f}.sav`);
export const LARGE_MAPPED_RAM = join(root, "bench/out/large-mapped-ram.mig");

function line(what: string, file: string): void {
  const { seconds, rssMiB } = timedWithPeakRss(inspectBin, ["verify", file]);
  console.log(`verify ${what.padEnd(48)} ${(statSync(file).size / 1048576).toFixed(0).padStart(6)} MiB file  ${seconds.toFixed(3)} s  peak RSS ${rssMiB.toFixed(1)} MiB`);
}

export function runVerifyMemoryBench(): void {
  const dir = mkdtempSync(join(tmpdir(), "vmstate-bench-verify-"));
  try {
    for (const name of MAPPED_RAM_SAMPLES) {
      // tar restores the holes: the expanded file takes as little disk as QEMU's.
      execFileSync("tar", ["-xzf", join(root, "samples", `${name}.tar.gz`), "-C", dir]);
      line(`mapped-ram ${name}`, join(dir, name));
    }
    if (existsSync(LARGE_MAPPED_RAM)) line("mapped-ram large-mapped-ram.mig", LARGE_MAPPED_RAM);
    else console.log(`verify: no ${LARGE_MAPPED_RAM}: make it with \`npx tsx tools/make-bench-mapped-ram.ts\``);
    for (const image of LIBVIRT_IMAGES) line(`libvirt image ${image}`, join(root, "samples/libvirt", image));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) runVerifyMemoryBench();
