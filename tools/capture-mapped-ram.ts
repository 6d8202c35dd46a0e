/**
 * Captures the mapped-ram samples with QEMU 10.x (.cache/qemu-newer, tools/fetch-newer-qemu.sh):
 *
 *   npx tsx tools/capture-mapped-ram.ts
 *
 * mapped-ram (QEMU >= 9.0) needs a seekable `file:` target and writes every RAM block's pages
 * at fixed offsets, leaving holes where pages are absent (wire-format.md §9.9). The files are
 * sparse with a logical size of about the guest RAM plus flash, so they are committed as
 * `tar --sparse` archives (samples/*.mig.tar.gz), expanded on demand by
 * test/support/packed-samples.ts. One capture uses mapped-ram alone, one with multifd
 * (2 channels), which writes the same layout through its channels.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { repoRoot, requireQemu } from "./qemu/binaries.js";
import { captureStream } from "./qemu/capture.js";
import { MAPPED_RAM_SAMPLES } from "./samples/mapped-ram.js";

const binary = requireQemu("newer-aarch64");
const work = mkdtempSync(join(tmpdir(), "vmstate-mapped-ram-"));
try {
  for (const c of MAPPED_RAM_SAMPLES) {
    const file = join(work, c.file);
    const cap = await captureStream({ binary, args: c.args, capabilities: c.capabilities, parameters: c.parameters, runMs: 200, file, fileUri: true });
    // --sparse keeps the holes as holes: the archive holds only the data ranges.
    const archive = join(repoRoot, "samples", `${c.file}.tar.gz`);
    execFileSync("tar", ["--sparse", "-czf", archive, "-C", work, basename(file)]);
    console.log(`${c.file}: QEMU ${cap.version}, ${cap.bytes} bytes logical -> ${archive}`);
    console.log(`  argv: ${cap.argv.join(" ")}`);
    for (const s of cap.steps) console.log(`  ${s}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
