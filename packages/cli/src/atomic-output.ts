import { FdSink, fdIoFrom } from "@vmstate/wire";
import type { CliIo } from "./io.js";

/**
 * An output file that appears only when complete: bytes go to a temporary file beside the
 * target, which is fsynced and renamed over it on success and removed on any failure, so a
 * bad input never leaves a partial file (and --in-place never harms the original).
 */
export class AtomicOutput {
  readonly sink: FdSink;
  private readonly fd: number;
  private readonly tmp: string;
  private done = false;

  constructor(
    private readonly target: string,
    private readonly io: CliIo,
  ) {
    this.tmp = `${target}.vmstate-${process.pid}-${Date.now().toString(36)}.tmp`;
    this.fd = io.fs.openSync(this.tmp, "wx", 0o644);
    this.sink = new FdSink(this.fd, fdIoFrom(io.fs));
  }

  /** Flush, fsync, rename over the target. */
  async commit(): Promise<void> {
    await this.sink.sync();
    this.io.fs.closeSync(this.fd);
    this.io.fs.renameSync(this.tmp, this.target);
    this.done = true;
  }

  /** Remove the temporary file; safe to call after commit (does nothing then). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
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
