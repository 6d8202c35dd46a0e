/**
 * The file side of `extract-ram`: one sparse file per RAM block in a directory, through an
 * injected file system (node:fs in the CLI, memfs in tests).
 *
 * Why write-combining: a paused snapshot sends a block's pages in address order, so runs of
 * adjacent PAGE records become one `write` of up to a MiB instead of one per 4 KiB page; that
 * is most of the difference in speed against writing page by page. A read-back (XBZRLE) flushes
 * first, so it always sees every earlier write.
 *
 * File names: RAMBlock idstrs come from the stream, so they are untrusted, and real ones
 * contain slashes (`/rom@etc/acpi/tables`, `0000:00:02.0/vga.vram`). QEMU's
 * analyze-migration.py `-x` writes them as paths relative to the working directory, creating
 * directories and following `..`; we write one flat file per block inside the chosen directory
 * instead: every character outside `[A-Za-z0-9._@+-]` becomes `_`, leading dots and
 * underscores are dropped (no hidden files, no `.`/`..`), the name is capped in length, and
 * `.bin` is appended. Two blocks that map to the same name (compared case-insensitively, for
 * case-folding file systems) get `-2`, `-3`, … before the extension.
 */
import { constants } from "node:fs";
import { join } from "node:path";
import type { PageTarget } from "./ram-extract.js";
import { makeDirectories } from "./make-directories.js";

/** The synchronous positional file calls extraction makes; node:fs and memfs both have them. */
export interface RamFs {
  openSync(path: string, flags: string, mode?: number): number;
  closeSync(fd: number): void;
  ftruncateSync(fd: number, len: number): void;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  mkdirSync(path: string, options: { recursive: boolean }): unknown;
  statSync(path: string): { isDirectory(): boolean };
  accessSync(path: string, mode: number): void;
}

/** One output file. */
export interface BlockFile {
  block: string;
  /** File name inside the output directory. */
  file: string;
  path: string;
  length: number;
}

const COMBINE_BYTES = 1 << 20;

/** A {@link PageTarget} writing `<dir>/<safe name>.bin` per block. */
export class BlockFiles implements PageTarget {
  private readonly names = new BlockFileNames();
  private readonly open_ = new Map<string, BlockFile & { fd: number }>();
  private readonly buffer = new Uint8Array(COMBINE_BYTES);
  private pendingBlock: string | undefined;
  private pendingAt = 0;
  private pendingLen = 0;

  constructor(
    private readonly fs: RamFs,
    private readonly dir: string,
  ) {
    makeDirectories(fs, dir);
    // A directory this user may not write into fails here, before the stream is read.
    fs.accessSync(dir, constants.W_OK | constants.X_OK);
  }

  open(block: string, length: number): void {
    const known = this.open_.get(block);
    if (known) {
      if (known.length !== length) {
        this.flush();
        this.fs.ftruncateSync(known.fd, length);
        known.length = length;
      }
      return;
    }
    const file = this.names.nameFor(block);
    const path = join(this.dir, file);
    // Read-write: an XBZRLE delta reads its base page back (`read`). Opened "w", every read
    // fails with EBADF on a real file system; memfs does not check, which hid it from tests.
    const fd = this.fs.openSync(path, "w+", 0o644);
    this.fs.ftruncateSync(fd, length);
    this.open_.set(block, { block, file, path, length, fd });
  }

  write(block: string, offset: number, data: Uint8Array): void {
    const adjacent = this.pendingBlock === block && this.pendingAt + this.pendingLen === offset;
    if (!adjacent || this.pendingLen + data.length > COMBINE_BYTES) this.flush();
    if (data.length > COMBINE_BYTES) {
      this.writeAll(block, data, offset);
      return;
    }
    if (this.pendingLen === 0) {
      this.pendingBlock = block;
      this.pendingAt = offset;
    }
    this.buffer.set(data, this.pendingLen);
    this.pendingLen += data.length;
  }

  read(block: string, offset: number, length: number): Uint8Array {
    if (this.pendingBlock === block) this.flush();
    const out = new Uint8Array(length);
    const fd = this.fdOf(block);
    try {
      for (let got = 0; got < length; ) {
        const n = this.fs.readSync(fd, out, got, length - got, offset + got);
        if (n <= 0) break; // past the end of the file: zeros
        got += n;
      }
    } catch (e) {
      throw this.naming(e, block);
    }
    return out;
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.pendingLen > 0 && this.pendingBlock !== undefined) {
      const [block, data, at] = [this.pendingBlock, this.buffer.subarray(0, this.pendingLen), this.pendingAt];
      // Dropped before the write: after a failure, close() must not try the same write again.
      this.pendingLen = 0;
      this.pendingBlock = undefined;
      this.writeAll(block, data, at);
    }
  }

  /** Flushes and closes every file; returns what was written. Safe to call twice. */
  close(): BlockFile[] {
    try {
      this.flush();
    } finally {
      for (const f of this.open_.values()) {
        if (f.fd >= 0) this.fs.closeSync(f.fd);
        f.fd = -1;
      }
    }
    return this.files();
  }

  /** The files made so far: also after a write failed, when close() threw. */
  files(): BlockFile[] {
    return [...this.open_.values()].map(({ block, file, path, length }) => ({ block, file, path, length }));
  }

  private fdOf(block: string): number {
    const f = this.open_.get(block);
    if (f === undefined || f.fd < 0) throw new Error(`block '${block}' has no open file`);
    return f.fd;
  }

  private writeAll(block: string, data: Uint8Array, position: number): void {
    const fd = this.fdOf(block);
    try {
      for (let done = 0; done < data.length; ) {
        done += this.fs.writeSync(fd, data, done, data.length - done, position + done);
      }
    } catch (e) {
      throw this.naming(e, block);
    }
  }

  /** A read's or write's error names no file: the message is to say which (`cannot write DIR/x.bin: No space left on device`). */
  private naming(e: unknown, block: string): unknown {
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === "string" && err.path === undefined) err.path = this.open_.get(block)!.path;
    return e;
  }
}

/** Longest base name we produce (file systems allow 255 bytes; leave room for suffixes). */
const MAX_BASE = 200;

/** The file name for one block idstr, before collision handling. */
export function safeBlockFileName(idstr: string): string {
  let base = idstr.replace(/[^A-Za-z0-9._@+-]/g, "_").replace(/^[._]+/, "");
  if (base.length > MAX_BASE) base = base.slice(0, MAX_BASE);
  if (base === "") base = "block";
  return `${base}.bin`;
}

/**
 * Assigns file names to blocks in the order they are announced, keeping each name unique.
 * The same idstr always gets the same name (a second MEM_SIZE list repeats the blocks).
 */
export class BlockFileNames {
  private readonly byIdstr = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** The unique file name for `idstr`. */
  nameFor(idstr: string): string {
    const known = this.byIdstr.get(idstr);
    if (known !== undefined) return known;
    const wanted = safeBlockFileName(idstr);
    let name = wanted;
    for (let k = 2; this.taken.has(name.toLowerCase()); k++) name = wanted.replace(/\.bin$/, `-${k}.bin`);
    this.taken.add(name.toLowerCase());
    this.byIdstr.set(idstr, name);
    return name;
  }
}
