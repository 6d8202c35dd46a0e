import { FdSink, fdIoFrom, type ByteSink } from "@vmstate/wire";
import type { CliIo, FileStat } from "./io.js";
import type { OutputTarget } from "./files/output-target.js";
import type { FileOutput } from "./files/file-output.js";
import { fsyncOffThread, syncDirectoryOf } from "./files/file-io.js";
import { cleanupOnSignal } from "./files/signal-cleanup.js";
import { FileError, sinkUnderPath, underPath, underPathAsync } from "./files/system-error.js";

/**
 * An output file that appears only when complete: bytes go to a temporary file beside the
 * target, which is fsynced and renamed over it on success and removed on any failure or
 * signal, so a bad input never leaves a partial file (and --in-place never harms the
 * original). An existing target keeps its mode, owner and group (as `cp` onto a file does);
 * a new one gets 0666 less the umask, as a shell's `>` gives, and no more than the input
 * file's permissions when there is one (as `cp` gives: a 0600 guest image stays private).
 * Errors name the user's path, never the temporary one.
 */
export class AtomicOutput implements FileOutput {
  readonly sink: ByteSink;
  readonly fd: number;
  readonly tmp: string;
  private readonly fdSink: FdSink;
  private readonly created: FileStat;
  private readonly releaseSignal: () => void;
  private done = false;

  /**
   * The output for an existing file whose owner and group this user can give a new file (root,
   * or its owner in its group), beside it in a directory this user may write; undefined
   * otherwise, where only writing into the file itself keeps what it is, as `cp` does.
   */
  static ifOwnerKept(target: Extract<OutputTarget, { kind: "file" }>, shownAs: string, io: CliIo): AtomicOutput | undefined {
    let out: AtomicOutput;
    try {
      out = new AtomicOutput(target, shownAs, io);
    } catch (e) {
      if (refused(e)) return undefined;
      throw e;
    }
    try {
      underPath(shownAs, () => io.fs.fchownSync(out.fd, target.stat.uid, target.stat.gid));
      return out;
    } catch (e) {
      out.abandon();
      if (refused(e)) return undefined;
      throw e;
    }
  }

  constructor(
    private readonly target: Extract<OutputTarget, { kind: "new" | "file" }>,
    /** The path as the user wrote it, for messages. */
    private readonly shownAs: string,
    private readonly io: CliIo,
    /** The input file's mode, which a new file does not exceed. */
    private readonly sourceMode = 0o777,
  ) {
    this.tmp = `${target.path}.vmstate-${process.pid}-${Date.now().toString(36)}.tmp`;
    // The cleanup first: with no handler yet, a signal's default action would kill the process
    // and leave the new temporary file behind. On a signal only the name goes; the descriptor
    // stays open until the process dies, so a kernel copy still to start on the thread pool
    // (see descriptorPath) writes into the unlinked file and recreates nothing.
    this.releaseSignal = cleanupOnSignal(() => this.unlinkTemporary());
    try {
      this.fd = underPath(shownAs, () => io.fs.openSync(this.tmp, "wx", 0o666));
    } catch (e) {
      this.releaseSignal();
      throw e;
    }
    this.created = io.fs.fstatSync(this.fd);
    this.fdSink = new FdSink(this.fd, fdIoFrom(io.fs));
    this.sink = sinkUnderPath(this.fdSink, shownAs);
  }

  /** Flush, give it the target's mode and owner, fsync, rename over the target. */
  async commit(): Promise<void> {
    const fs = this.io.fs;
    await underPathAsync(this.shownAs, async () => {
      if (this.target.kind === "file") {
        const keep = this.target.stat;
        fs.fchownSync(this.fd, keep.uid, keep.gid);
        // After the owner: chown clears the set-user-ID and set-group-ID bits.
        fs.fchmodSync(this.fd, keep.mode & 0o7777);
      } else fs.fchmodSync(this.fd, this.created.mode & this.sourceMode & 0o777);
      await this.fdSink.end();
      await fsyncOffThread(fs, this.fd);
    });
    underPath(this.shownAs, () => {
      fs.closeSync(this.fd);
      fs.renameSync(this.tmp, this.target.path);
      this.done = true;
      this.releaseSignal();
      syncDirectoryOf(fs, this.target.path);
    });
  }

  /** Remove the temporary file; safe to call after commit (does nothing then). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.releaseSignal();
    this.unlinkTemporary();
    try {
      this.io.fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private unlinkTemporary(): void {
    try {
      this.io.fs.unlinkSync(this.tmp);
    } catch {
      // nothing to remove
    }
  }
}

/** The kernel's no to a temporary file beside the target, or to giving it the target's owner. */
function refused(e: unknown): boolean {
  return e instanceof FileError && (e.cause.code === "EPERM" || e.cause.code === "EACCES");
}
