import { dirname } from "node:path";

/** The calls {@link makeDirectories} makes. */
export interface MkdirFs {
  mkdirSync(path: string, options: { recursive: boolean }): unknown;
  statSync(path: string): { isDirectory(): boolean };
}

/**
 * `mkdir -p`, one level at a time, failing at once where a directory cannot be made (or a
 * file stands where it should be). Node's
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
    // There already; a file of that name is refused as `mkdir -p` refuses it ("File exists"),
    // before anything is read.
    if (code === "EEXIST" && fs.statSync(dir).isDirectory()) return;
    if (code !== "ENOENT" || dirname(dir) === dir) throw e;
  }
  makeDirectories(fs, dirname(dir));
  fs.mkdirSync(dir, { recursive: false });
}
