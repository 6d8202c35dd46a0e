/**
 * Regenerates test/golden/analyze-migration-mapped-ram/: what QEMU's own
 * `scripts/analyze-migration.py` makes of the mapped-ram samples, so `vmstate-inspect dump
 * --format analyze-migration` and `extract-ram` can be compared with it.
 *
 *   npx tsx tools/gen-mapped-ram-golden.ts PATH/TO/analyze-migration.py [--out DIR]
 *
 * Which script: no release reads mapped-ram (v10.2.0's reads the mapped-ram header after the
 * first block entry as the next block's name and fails). Support came with QEMU master commit
 * 0002b0db1377808e3c2abcb4f02f3d3aa8ce304a ("scripts/analyze-migration: Support mapped-ram
 * snapshot format", 2025-12-23, after v10.2.0): take `scripts/analyze-migration.py` at that
 * commit (`git show 0002b0db13:scripts/analyze-migration.py` in a QEMU clone) into .cache/
 * (gitignored). It is GPL code of another project: it stays out of this repository.
 *
 * For each sample archive in tools/samples/mapped-ram.ts, expanded with `tar` (holes kept):
 * - `<sample>.json`: the script's `-d state` stdout, verbatim;
 * - `<sample>.extract.json`: what `-x` wrote (run in an empty directory): each RAM block file
 *   under its block name with its size and SHA-256 (the files themselves are the guest's RAM,
 *   ~270 MB of mostly zeros, so only their digests are kept);
 * - `index.json`: the script's commit and SHA-256, and each archive's SHA-256 (the golden
 *   data describe one capture: rerun this tool when tools/capture-mapped-ram.ts recaptures).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { repoRoot } from "./qemu/binaries.js";
import { MAPPED_RAM_SAMPLES } from "./samples/mapped-ram.js";

/** The QEMU commit whose analyze-migration.py made the committed data. */
export const SCRIPT_COMMIT = "0002b0db1377808e3c2abcb4f02f3d3aa8ce304a";

/** One file `-x` wrote: its path under the output directory (the RAM block's name). */
export interface ExtractedFile {
  path: string;
  bytes: number;
  sha256: string;
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Every regular file under `dir`, by path relative to it, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

function main(argv: string[]): void {
  const script = argv.find((a) => !a.startsWith("--"));
  if (!script) {
    console.error("usage: tsx tools/gen-mapped-ram-golden.ts PATH/TO/analyze-migration.py [--out DIR]");
    process.exit(2);
  }
  const i = argv.indexOf("--out");
  const out = i >= 0 && argv[i + 1] ? resolve(argv[i + 1]!) : join(repoRoot, "test", "golden", "analyze-migration-mapped-ram");
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "vmstate-mapped-ram-golden-"));
  const index = {
    script: { source: `QEMU scripts/analyze-migration.py at commit ${SCRIPT_COMMIT}, unmodified`, commit: SCRIPT_COMMIT, sha256: sha256(readFileSync(script)) },
    samples: {} as Record<string, string>,
  };
  try {
    for (const s of MAPPED_RAM_SAMPLES) {
      const archive = join(repoRoot, "samples", `${s.file}.tar.gz`);
      index.samples[s.file] = sha256(readFileSync(archive));
      execFileSync("tar", ["-xzf", archive, "-C", work]);
      const file = join(work, s.file);
      const state = execFileSync("python3", [resolve(script), "-f", file, "-d", "state"], { encoding: "utf8", maxBuffer: 1 << 30 });
      writeFileSync(join(out, `${s.file}.json`), state);
      const x = join(work, `${s.file}.x`);
      mkdirSync(x);
      execFileSync("python3", [resolve(script), "-f", file, "-x"], { cwd: x, stdio: ["ignore", "ignore", "inherit"] });
      // desc.json and state.json are the vmdesc and the -d state document, compared elsewhere.
      const blocks: ExtractedFile[] = filesUnder(x)
        .filter((p) => p !== "desc.json" && p !== "state.json")
        .map((p) => ({ path: p, bytes: statSync(join(x, p)).size, sha256: sha256(readFileSync(join(x, p))) }));
      writeFileSync(join(out, `${s.file}.extract.json`), JSON.stringify(blocks, null, 2) + "\n");
      console.log(`${s.file}: -d state ${state.length} bytes, -x ${blocks.length} block files`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(join(out, "index.json"), JSON.stringify(index, null, 2) + "\n");
}

main(process.argv.slice(2));
