import type { ByteSink } from "@vmstate/wire";
import { rewriteStream, type RecordTransform } from "@vmstate/rewrite";
import type { CliIo } from "../io.js";
import type { StreamInput } from "../stream-input.js";
import { compressingSink } from "../files/compressing-sink.js";
import { AtomicOutput } from "../atomic-output.js";
import { Progress } from "../progress.js";
import { resolveOutput } from "../files/output-target.js";
import { cleanupOnSignal, loopTurns } from "../files/signal-cleanup.js";
import { FileProblem } from "../files/system-error.js";
import { openOutputFile, type OutputFile } from "../files/output-file.js";
import type { RewriteDestination } from "./run-rewrite.js";

/**
 * A rewrite whose input is a pipe (or a device): decoded as it arrives, RAM checked record by
 * record and written out as it came, the device state held until the transforms accept it
 * (packages/rewrite/src/pipeline.ts). Output to a file goes to a temporary one renamed
 * over it at the end; into a device or FIFO directly; to standard output as it comes, and a
 * regular file there is cut back to where it started when the rewrite fails. A compressed
 * libvirt image (decompressed by stream-input.ts) is written compressed again, by the same
 * program, in place too.
 */
export async function rewriteStreamed(input: StreamInput, dest: RewriteDestination, transforms: readonly RecordTransform[], io: CliIo): Promise<void> {
  let sink: ByteSink = DISCARD;
  let out: OutputFile | undefined;
  let takeBack = () => {};
  if (dest.kind === "in-place") {
    // Only a compressed libvirt image comes here from a regular file: its compressed tail
    // cannot be rewritten where it lies, so the whole image is written anew beside it and
    // renamed over it, keeping mode and owner (the target behind a symbolic link).
    const target = input.compressed === undefined ? undefined : resolveOutput(dest.path, io.fs);
    if (target?.kind !== "file") throw new FileProblem(`--in-place needs a regular file: ${input.name} is not one`);
    out = new AtomicOutput(target, input.name, io);
    sink = out.sink;
  } else if (dest.kind === "stdout") ({ sink, takeBack } = dest.stdout);
  else if (dest.kind === "file") {
    out = openOutputFile(dest.path, io);
    sink = out.sink;
  }
  const compressing = input.compressed === undefined || sink === DISCARD ? undefined : compressingSink(sink, input.compressed);
  if (compressing !== undefined) sink = compressing;
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
    compressing?.stop();
    release();
    out?.abandon();
  }
}

/** --dry-run writes nowhere. */
const DISCARD: ByteSink = { write: () => {}, end: async () => {} };
