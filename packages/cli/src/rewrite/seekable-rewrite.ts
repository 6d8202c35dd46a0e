import { FdReader, fdIoFrom } from "@vmstate/wire";
import { planTailRewrite, type RecordTransform, type TailRewrite } from "@vmstate/rewrite";
import type { CliIo, FileStat, OpenedInput } from "../io.js";
import { Progress } from "../progress.js";
import { copyFileInKernel, descriptorPath, readAt, writeAllAt } from "../files/file-io.js";
import { openFileOutput, type FileOutput } from "../files/file-output.js";
import { resolveOutput } from "../files/output-target.js";
import { rewriteTailInPlace } from "../files/tail-in-place.js";
import { cleanupOnSignal, loopTurns } from "../files/signal-cleanup.js";
import { FileProblem, readerUnderPath, underPath, underPathAsync } from "../files/system-error.js";
import { writeWithNewTail, type ReadAt } from "../files/whole-copy.js";
import { copySparse, isSparse } from "../files/sparse-copy.js";
import type { StdoutOutput } from "../files/stdout-output.js";
import type { RewriteDestination } from "./run-rewrite.js";

/**
 * A rewrite whose input is a regular file: the new device state is planned first (found
 * from the end, or by a full walk), so a refusal writes nothing anywhere; then only what
 * changes is written. In place, the tail is rewritten in the file itself
 * (files/tail-in-place.ts); to a new file, the kernel copies the file (a reflink where the
 * file system shares blocks, copy_file_range otherwise; a sparse file, such as a mapped-ram
 * one, block by block, keeping its holes) and the tail is written over the copy's end; into
 * standard output, a device or a FIFO, the bytes before the tail are read and written as
 * they are (holes then travel as zeros).
 */
export async function rewriteSeekable(input: OpenedInput & { fd: number; size: number; path: string }, dest: RewriteDestination, transforms: readonly RecordTransform[], io: CliIo): Promise<void> {
  const fs = io.fs;
  const fd = input.fd;
  const read: ReadAt = (p, n) => underPath(input.name, () => readAt(fs, fd, p, n), "cannot read");
  const turn = loopTurns();
  const progress = new Progress(io, input.size, "vmstate-rewrite", dest.progress);
  let plan: TailRewrite;
  try {
    plan = await planTailRewrite(
      { size: input.size, readAt: read, chunks: () => readerUnderPath(new FdReader(fd, fdIoFrom(fs)), input.name) },
      {
        transforms,
        maxTailBytes: dest.maxTailBytes,
        checkRam: dest.checkRam,
        onProgress: (o) => {
          progress.update(o);
          return turn();
        },
      },
    );
  } finally {
    progress.done();
  }
  dest.decided();
  if (plan.foundBy === "end") dest.verbose(`device state found from the end at offset 0x${plan.start.toString(16)}; RAM not read (--check-ram reads it)`);
  else dest.verbose(`walked every record: ${plan.walkReason}`);
  if (dest.kind === "dry-run") return;
  if (dest.kind === "in-place") {
    if (plan.changed) rewriteTailInPlace(fs, dest.path, plan);
    else dest.verbose(`nothing to change: ${input.name} not written`);
    return;
  }
  if (dest.kind === "stdout") return toStdout(read, plan, dest.stdout, turn);
  const st = fs.fstatSync(fd);
  const out = openFileOutput(resolveOutput(dest.path, fs), dest.path, io, st);
  try {
    if (out.tmp === undefined) await writeWithNewTail(read, plan, out.sink, turn);
    else await copyWithNewTail(input, read, st, plan, out as FileOutput & { tmp: string }, dest.path, io, turn);
    await out.commit();
  } finally {
    out.abandon();
  }
}

/**
 * The input copied into a new, empty file by the kernel (a sparse input, such as a
 * mapped-ram file, block by block, keeping its holes: copy_file_range on ext4 fills them),
 * then the new tail written over the copy's end.
 */
async function copyWithNewTail(
  input: { name: string; path: string },
  read: ReadAt,
  st: FileStat,
  plan: TailRewrite,
  out: FileOutput & { tmp: string },
  shownAs: string,
  io: CliIo,
  turn: () => Promise<void> | undefined,
): Promise<void> {
  const fs = io.fs;
  const writeAt = (bytes: Uint8Array, position: number) => underPath(shownAs, () => writeAllAt(fs, out.fd, bytes, position), "cannot write");
  const changed = () => new FileProblem(`${input.name} changed while it was being read`);
  if (st.size !== plan.end) throw changed();
  if (isSparse(st)) await copySparse(read, writeAt, st.size, turn);
  else {
    await underPathAsync(shownAs, () => copyFileInKernel(fs, input.path, descriptorPath(fs, out.fd, out.tmp)), "cannot write");
    if (fs.fstatSync(out.fd).size !== plan.end) throw changed();
  }
  if (plan.changed) writeAt(plan.bytes, plan.start);
  underPath(shownAs, () => fs.ftruncateSync(out.fd, plan.start + plan.bytes.length), "cannot write");
}

async function toStdout(read: ReadAt, plan: TailRewrite, stdout: StdoutOutput, turn: () => Promise<void> | undefined): Promise<void> {
  const release = cleanupOnSignal(stdout.takeBack);
  try {
    await writeWithNewTail(read, plan, stdout.sink, turn);
  } catch (e) {
    stdout.takeBack();
    throw e;
  } finally {
    release();
  }
}
