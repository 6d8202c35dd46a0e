import { FdSink, fdIoFrom, type ByteSink } from "@vmstate/wire";
import type { CliIo, FileStat } from "../io.js";
import { AtomicOutput } from "../atomic-output.js";
import type { OutputTarget } from "./output-target.js";
import { fsyncOffThread } from "./file-io.js";
import { cleanupOnSignal } from "./signal-cleanup.js";
import { FileProblem, sinkUnderPath, underPath, underPathAsync } from "./system-error.js";

/** Where a rewritten stream goes when it goes to a path. */
export interface FileOutput {
  /** The bytes, in order; its errors name the user's path. */
  readonly sink: ByteSink;
  readonly fd: number;
  /** The temporary file (an empty regular file) when the output is written aside and renamed. */
  readonly tmp?: string;
  /** Everything is written: make it stand. */
  commit(): Promise<void>;
  /** The rewrite failed: leave nothing partial (safe after commit). */
  abandon(): void;
}

/**
 * The output for `-o`, as `cp` writes it: a new file, or an existing one whose owner can be
 * kept, aside and renamed over it ({@link AtomicOutput}); a device or FIFO, and an existing
 * file this user cannot replace keeping its owner (another user's file that this user may
 * write), written into ({@link DirectOutput}). `input` is the input file's status, when it
 * is one: a new file gets no more than its permissions, and the input is never written into.
 */
export function openFileOutput(target: OutputTarget, shownAs: string, io: CliIo, input?: FileStat): FileOutput {
  if (target.kind === "directory") throw new FileProblem(`cannot write ${shownAs}: Is a directory`);
  if (target.kind === "new") return new AtomicOutput(target, shownAs, io, input?.mode);
  if (target.kind === "stream") return new DirectOutput(target.path, shownAs, io, false);
  const aside = AtomicOutput.ifOwnerKept(target, shownAs, io);
  if (aside) return aside;
  if (input && input.dev === target.stat.dev && input.ino === target.stat.ino) {
    throw new FileProblem(`cannot write ${shownAs}: it is the input file (--in-place rewrites a file itself)`);
  }
  return new DirectOutput(target.path, shownAs, io, true);
}

/**
 * Writes into the target itself, as `cp` and a shell's `>` do: a device or FIFO, or an
 * existing regular file that keeps its inode, mode and owner. A regular file is cut to
 * nothing when the rewrite fails or a signal ends it, so a plausible-looking partial stream
 * never remains.
 */
export class DirectOutput implements FileOutput {
  readonly sink: ByteSink;
  readonly fd: number;
  private readonly fdSink: FdSink;
  private readonly releaseSignal: () => void;
  private done = false;

  constructor(
    path: string,
    private readonly shownAs: string,
    private readonly io: CliIo,
    private readonly regular: boolean,
  ) {
    // The cleanup first, as for AtomicOutput: no moment when a signal's default action acts.
    this.releaseSignal = cleanupOnSignal(() => this.abandon());
    try {
      this.fd = underPath(shownAs, () => io.fs.openSync(path, "w"));
    } catch (e) {
      this.releaseSignal();
      throw e;
    }
    this.fdSink = new FdSink(this.fd, fdIoFrom(io.fs));
    this.sink = sinkUnderPath(this.fdSink, shownAs);
  }

  async commit(): Promise<void> {
    await underPathAsync(this.shownAs, async () => {
      await this.fdSink.end();
      if (this.regular) await fsyncOffThread(this.io.fs, this.fd);
    });
    this.done = true;
    this.releaseSignal();
    underPath(this.shownAs, () => this.io.fs.closeSync(this.fd));
  }

  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.releaseSignal();
    // Best effort: the failure that brought us here is the one to report.
    try {
      if (this.regular) this.io.fs.ftruncateSync(this.fd, 0);
    } catch {
      // a device or FIFO in disguise, or the disk gone: nothing more to do
    }
    try {
      this.io.fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
