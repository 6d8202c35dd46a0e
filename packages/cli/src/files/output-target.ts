import { dirname, isAbsolute, join } from "node:path";
import type { CliFs, FileStat } from "../io.js";

/**
 * Where `-o PATH` really writes, as `cp` and a shell's `>` decide it: through symbolic links
 * to their target (a dangling link's target is created), into a device or FIFO as it is,
 * and over a regular file keeping its mode and owner.
 */
export type OutputTarget =
  | { kind: "new"; path: string }
  | { kind: "file"; path: string; stat: FileStat }
  /** A character or block device, or a FIFO: written into, never replaced. */
  | { kind: "stream"; path: string }
  | { kind: "directory"; path: string };

/** Links followed before giving up, as the kernel's own limit on path resolution. */
const MAX_LINKS = 40;

export function resolveOutput(path: string, fs: CliFs): OutputTarget {
  let p = path;
  for (let links = 0; ; links++) {
    let st: FileStat & { isSymbolicLink(): boolean };
    try {
      st = fs.lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "new", path: p };
      throw e;
    }
    if (st.isSymbolicLink()) {
      if (links === MAX_LINKS) throw Object.assign(new Error(`ELOOP: too many symbolic links, open '${path}'`), { code: "ELOOP", syscall: "open", path });
      const to = String(fs.readlinkSync(p));
      p = isAbsolute(to) ? to : join(dirname(p), to);
      continue;
    }
    if (st.isFile()) return { kind: "file", path: p, stat: st };
    if (st.isDirectory()) return { kind: "directory", path: p };
    return { kind: "stream", path: p };
  }
}
