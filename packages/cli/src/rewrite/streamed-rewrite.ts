import { FdSink, fdIoFrom, type ByteSink } from "@vmstate/wire";
import { rewriteStream, type RecordTransform } from "@vmstate/rewrite";
import type { CliIo, OpenedInput } from "../io.js";
import { AtomicOutput } from "../atomic-output.js";
import { Progress } from "../progress.js";
import { resolveOutput } from "../files/output-target.js";
import { cleanupOnSignal, loopTurns } from "../files/signal-cleanup.js";
import { FileProblem, underPath } from "../files/system-error.js";
import type { RewriteDestination } from "./run-rewrite.js";

/**
 * A rewrite whose input is a pipe (or a device): decoded as it arrives, RAM checked record by
 * record and written out as it came, the device state held until the transforms accept it
 * (packages/rewrite/src/pipeline.ts). Output to a file goes to a temporary one renamed
 * over it at the end; into a device or FIFO directly; to standard output as it comes, and a
 * regular file there is cut back to where it started when the rewrite fails.
 */
export async function rewriteStreamed(input: OpenedInput, dest: RewriteDestination, transforms: readonly RecordTransform[], io: CliIo): Promise<void> {
  if (dest.kind === "in-place") throw new FileProblem(`--in-place needs a regular file: ${input.name} is not one`);
  let sink: ByteSink = DISCARD;
  let out: AtomicOutput | undefined;
  let closeOut = () => {};
  let takeBack = () => {};
  if (dest.kind === "stdout") ({ sink, takeBack } = dest.stdout);
  else if (dest.kind === "file") {
    const target = resolveOutput(dest.path, io.fs);
    if (target.kind === "directory") throw new FileProblem(`cannot write ${dest.path}: Is a directory`);
    if (target.kind === "stream") {
      const fd = underPath(dest.path, () => io.fs.openSync(target.path, "w"));
      sink = new FdSink(fd, fdIoFrom(io.fs));
      closeOut = () => io.fs.closeSync(fd);
    } else {
      out = new AtomicOutput(target, dest.path, io);
      sink = out.sink;
    }
  }
  const release = cleanupOnSignal(takeBack);
  const turn = loopTurns();
  const progress = new Progress(io, input.size, "vmstate-rewrite", dest.progress);
  try {
    await rewriteStream(
      input.bytes,
      // Writes give the event loop a turn now and then, where a signal's cleanup can run.
      { write: (bytes) => sink.write(bytes) ?? turn(), end: () => sink.end() },
      { transforms: [...transforms], decode: { maxTailBytes: dest.maxTailBytes }, onProgress: (o) => progress.update(o) },
    );
    dest.decided();
    await out?.commit();
  } catch (e) {
    takeBack();
    throw e;
  } finally {
    progress.done();
    release();
    out?.abandon();
    closeOut();
  }
}

/** --dry-run writes nowhere. */
const DISCARD: ByteSink = { write: () => {}, end: async () => {} };
