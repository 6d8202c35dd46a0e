import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
/** The committed samples (real QEMU output). */
export const SAMPLES_DIR = resolve(import.meta.dirname, "../../samples");

const EXPANDED = resolve(import.meta.dirname, "../../.cache/expanded-samples");

/**
 * The path of a sample committed as a sparse tar archive (`NAME.tar.gz`, made by
 * tools/capture-mapped-ram.ts), expanded once into .cache/expanded-samples/<archive hash>/.
 * `tar` restores the holes, so the expanded file takes as little disk as the original.
 */
export function expandedSample(name: string): string {
  const archive = join(SAMPLES_DIR, `${name}.tar.gz`);
  const hash = createHash("sha256").update(readFileSync(archive)).digest("hex").slice(0, 16);
  const dir = join(EXPANDED, hash);
  const file = join(dir, name);
  if (existsSync(file)) return file;
  // Expand beside the final directory and rename, so a concurrent or interrupted run never
  // leaves a half-written file at the final path.
  const partial = `${dir}.partial-${process.pid}`;
  mkdirSync(partial, { recursive: true });
  execFileSync("tar", ["-xzf", archive, "-C", partial]);
  try {
    renameSync(partial, dir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(file)) throw e;
  }
  return file;
}
