/**
 * Makes bench/out/large-mapped-ram.mig for bench/verify-memory.ts: QEMU 10.x
 * (.cache/qemu-newer) saving an idle `-M virt -cpu max` guest of 8 GiB (or `--gib N`) with
 * `migrate file:` and the mapped-ram capability. The file's logical size is the guest's RAM
 * plus flash, nearly all of it holes, so it costs seconds and a few hundred KiB of disk.
 *
 *   npx tsx tools/make-bench-mapped-ram.ts [--gib N]
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { requireQemu } from "./qemu/binaries.js";
import { captureStream } from "./qemu/capture.js";
import { LARGE_MAPPED_RAM } from "../bench/verify-memory.js";

const { values } = parseArgs({ options: { gib: { type: "string", default: "8" } } });
const gib = Number(values.gib);
if (!(gib > 0)) throw new Error(`--gib ${values.gib}: give a positive number of GiB`);
mkdirSync(dirname(LARGE_MAPPED_RAM), { recursive: true });
rmSync(LARGE_MAPPED_RAM, { force: true });
const cap = await captureStream({
  binary: requireQemu("newer-aarch64"),
  args: ["-M", "virt", "-cpu", "max", "-m", String(gib * 1024), "-nodefaults"],
  capabilities: { "mapped-ram": true },
  runMs: 200,
  file: LARGE_MAPPED_RAM,
  fileUri: true,
});
console.log(`${LARGE_MAPPED_RAM}: ${cap.version}, ${cap.bytes} bytes logical`);
