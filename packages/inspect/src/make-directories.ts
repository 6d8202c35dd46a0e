import { dirname } from "node:path";

/** The one call {@link makeDirectories} makes. */
export interface MkdirFs {
  mkdirSync(path: string, options: { recursive: boolean }): unknown;
}

/**
 * `mkdir -p`, one level at a time, failing at once where a directory cannot be made. Node's
 * own recursive mkdir loops forever where mkdir says ENOENT though the parent exists
 * (`/proc/nope`: proc makes no directories); here a second ENOENT, after the parent was
 * made or found, is the answer and is thrown as it is.
 */
export function makeDirectories(fs: MkdirFs, dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: false });
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // There already: a file of that name fails as soon as something is written into it.
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || dirname(dir) === dir) throw e;
  }
  makeDirectories(fs, dirname(dir));
  fs.mkdirSync(dir, { recursive: false });
}
