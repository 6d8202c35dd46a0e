import { constants } from "node:fs";
import { dirname } from "node:path";
import type { CliFs } from "../io.js";

/** Writes all of `bytes` at `position` (a file may take less per call). */
export function writeAllAt(fs: CliFs, fd: number, bytes: Uint8Array, position: number): void {
  for (let p = 0; p < bytes.length; ) p += fs.writeSync(fd, bytes, p, bytes.length - p, position + p);
}

/** `length` bytes from `position`; fewer only at the end of the file. */
export function readAt(fs: CliFs, fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let p = 0;
  while (p < length) {
    const n = fs.readSync(fd, out, p, length - p, position + p);
    if (n === 0) break;
    p += n;
  }
  return p === length ? out : out.subarray(0, p);
}

/**
 * Makes a new, removed or renamed name in the directory of `path` durable: the entry
 * lives in the directory, which has to be synced itself (fsync on the file does not do it).
 */
export function syncDirectoryOf(fs: CliFs, path: string): void {
  const fd = fs.openSync(dirname(path), "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The whole file `from` copied to `to` by the kernel (a reflink where the file system shares
 * blocks, copy_file_range otherwise) on the thread pool: the event loop stays free, so
 * SIGINT/SIGTERM are acted on during a copy of many GiB, not after it.
 */
export function copyFileInKernel(fs: CliFs, from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => fs.copyFile(from, to, constants.COPYFILE_FICLONE, (e) => (e ? reject(e) : resolve())));
}

/**
 * A name for the file open as `fd` that stays that file after `path` is unlinked: Linux's
 * /proc/self/fd/N, where it names the same inode; `path` itself otherwise (no /proc, or an
 * in-memory file system in tests). The kernel copy opens its destination by name on the
 * thread pool, maybe after a signal's cleanup removed the temporary file: by `path` it would
 * create that file anew and leave it behind; by this name it writes into the unlinked one.
 */
export function descriptorPath(fs: CliFs, fd: number, path: string): string {
  const proc = `/proc/self/fd/${fd}`;
  try {
    const [a, b] = [fs.statSync(proc), fs.fstatSync(fd)];
    if (a.ino === b.ino && a.dev === b.dev) return proc;
  } catch {
    // no /proc here
  }
  return path;
}

/** fsync on the thread pool: flushing GiB to the disk takes seconds, which signals need not wait for. */
export function fsyncOffThread(fs: CliFs, fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
}
