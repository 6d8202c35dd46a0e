import { execFileSync } from "node:child_process";
import { closeSync, openSync, readSync, statSync } from "node:fs";

/** 512-byte blocks a file has allocated: what shows whether its holes are still holes. */
export const allocated = (file: string): number => statSync(file).blocks;

/** A copy that keeps the holes (`cp --sparse=always`), for a test to change. */
export function sparseCopy(from: string, to: string): string {
  execFileSync("cp", ["--sparse=always", from, to]);
  return to;
}

/**
 * Offset of the first byte where two files differ (a shorter file differs where it ends), or
 * -1 when they are equal. Reads a MiB at a time: mapped-ram files are hundreds of MB.
 */
export function firstDifference(a: string, b: string): number {
  const fa = openSync(a, "r");
  const fb = openSync(b, "r");
  const x = Buffer.alloc(1 << 20);
  const y = Buffer.alloc(1 << 20);
  try {
    for (let p = 0; ; p += x.length) {
      const n = readSync(fa, x, 0, x.length, p);
      const m = readSync(fb, y, 0, y.length, p);
      const k = Math.min(n, m);
      if (!x.subarray(0, k).equals(y.subarray(0, k))) for (let i = 0; i < k; i++) if (x[i] !== y[i]) return p + i;
      if (n !== m) return p + k;
      if (n === 0) return -1;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}
