import { basename, dirname, isAbsolute } from "node:path";
import type { CliFs, FileStat } from "../io.js";
import { underPath } from "./system-error.js";

/**
 * Where `-o PATH` really writes, as `cp` and a shell's `>` decide it: through symbolic links
 * to their final target (a dangling link's target is created), into a device or FIFO as it
 * is, and over a regular file keeping its mode and owner.
 */
export type OutputTarget =
  | { kind: "new"; path: string }
  | { kind: "file"; path: string; stat: FileStat }
  /** A character or block device, or a FIFO: written into, never replaced. */
  | { kind: "stream"; path: string }
  | { kind: "directory"; path: string };

/**
 * Resolves `path` through the kernel (realpath(3)): chains of links, links relative to their
 * own directory, `..` after a linked directory and loops are the kernel's business, and its
 * errors (ELOOP, EACCES, ENOTDIR) come back in its words under the user's path.
 */
export function resolveOutput(path: string, fs: CliFs): OutputTarget {
  let st: FileStat;
  try {
    st = underPath(path, () => fs.statSync(path), "cannot open");
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code !== "ENOENT") throw e;
    return { kind: "new", path: realTarget(path, fs) };
  }
  if (st.isFile()) return { kind: "file", path: realTarget(path, fs), stat: st };
  if (st.isDirectory()) return { kind: "directory", path };
  // Opened by the user's path: /dev/stdout leads through /proc/self/fd/1, a link that only
  // opening follows (its text, `pipe:[…]`, names no file).
  return { kind: "stream", path };
}

/**
 * The path the kernel would open for writing: `path` itself unless it names a symbolic link.
 * realpath(3) answers for a name that exists;
 * a missing one (a new file, or the end of a dangling link) is the real directory plus the
 * last name, and a dangling link is followed to its target one link at a time, each read
 * relative to the kernel's answer for its own directory. That walk ends: realpath(3) said
 * ENOENT, not ELOOP, so the chain reaches a missing name.
 */
function realTarget(path: string, fs: CliFs): string {
  // Not a link (or not there): the path as the user spelt it, which messages then show.
  let st: FileStat & { isSymbolicLink(): boolean };
  try {
    st = underPath(path, () => fs.lstatSync(path), "cannot open");
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code === "ENOENT") return path;
    throw e;
  }
  if (!st.isSymbolicLink()) return path;
  let p = path;
  for (;;) {
    try {
      return underPath(path, () => realpath(fs, p), "cannot open");
    } catch (e) {
      if ((e as { cause?: NodeJS.ErrnoException }).cause?.code !== "ENOENT") throw e;
    }
    const dir = underPath(path, () => realpath(fs, dirname(p)), "cannot open");
    let link: string | undefined;
    try {
      link = String(fs.readlinkSync(p));
    } catch (e) {
      // EINVAL: not a link, so it is the missing name itself.
      if (!["ENOENT", "EINVAL"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
    }
    if (link === undefined) return `${dir === "/" ? "" : dir}/${basename(p)}`;
    p = isAbsolute(link) ? link : `${dir === "/" ? "" : dir}/${link}`;
  }
}

function realpath(fs: CliFs, path: string): string {
  return fs.realpathSync.native ? fs.realpathSync.native(path) : fs.realpathSync(path);
}
