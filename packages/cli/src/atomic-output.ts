import { FdSink, fdIoFrom } from "@vmstate/wire";
import type { CliIo, FileStat } from "./io.js";
import type { OutputTarget } from "./files/output-target.js";
import { syncDirectoryOf } from "./files/file-io.js";
import { cleanupOnSignal } from "./files/signal-cleanup.js";
import { underPath, underPathAsync } from "./files/system-error.js";

/**
 * An output file that appears only when complete: bytes go to a temporary file beside the
 * target, which is fsynced and renamed over it on success and removed on any failure or
 * signal, so a bad input never leaves a partial file (and --in-place never harms the
 * original). An existing target keeps its mode, owner and group (as `cp` onto a file does);
 * a new one gets 0666 less the umask, as a shell's `>` gives, and no more than the input
 * file's permissions when there is one (as `cp` gives: a 0600 guest image stays private).
 * Errors name the user's path, never the temporary one.
 */
export class AtomicOutput {
  readonly sink: FdSink;
  readonly fd: number;
  readonly tmp: string;
  private readonly created: FileStat;
  private readonly releaseSignal: () => void;
  private done = false;

  constructor(
    private readonly target: Extract<OutputTarget, { kind: "new" | "file" }>,
    /** The path as the user wrote it, for messages. */
    private readonly shownAs: string,
    private readonly io: CliIo,
    /** The input file's mode, which a new file does not exceed. */
    private readonly sourceMode = 0o777,
  ) {
    this.tmp = `${target.path}.vmstate-${process.pid}-${Date.now().toString(36)}.tmp`;
    this.fd = underPath(shownAs, () => io.fs.openSync(this.tmp, "wx", 0o666));
    this.releaseSignal = cleanupOnSignal(() => this.abandon());
    this.created = io.fs.fstatSync(this.fd);
    this.sink = new FdSink(this.fd, fdIoFrom(io.fs));
  }

  /** Flush, give it the target's mode and owner, fsync, rename over the target. */
  async commit(): Promise<void> {
    const fs = this.io.fs;
    await underPathAsync(this.shownAs, async () => {
      if (this.target.kind === "file") {
        const keep = this.target.stat;
        fs.fchownSync(this.fd, keep.uid, keep.gid);
        fs.fchmodSync(this.fd, keep.mode & 0o7777);
      } else fs.fchmodSync(this.fd, this.created.mode & this.sourceMode & 0o777);
      await this.sink.sync();
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
    try {
      this.io.fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    try {
      this.io.fs.unlinkSync(this.tmp);
    } catch {
      // nothing to remove
    }
  }
}
