import { constants } from "node:fs";
import { FdReader, fdIoFrom, FdSink } from "@vmstate/wire";
import { planTailRewrite, type RecordTransform, type TailRewrite } from "@vmstate/rewrite";
import type { CliIo, OpenedInput } from "../io.js";
import { AtomicOutput } from "../atomic-output.js";
import { Progress } from "../progress.js";
import { readAt, writeAllAt } from "../files/file-io.js";
import { resolveOutput } from "../files/output-target.js";
import { rewriteTailInPlace } from "../files/tail-in-place.js";
import { cleanupOnSignal, loopTurns } from "../files/signal-cleanup.js";
import { FileProblem, underPath, underPathAsync } from "../files/system-error.js";
import { writeWithNewTail } from "../files/whole-copy.js";
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
export async function rewriteSeekable(input: OpenedInput & { fd: number; size: number }, dest: RewriteDestination, transforms: readonly RecordTransform[], io: CliIo): Promise<void> {
  const fs = io.fs;
  const fd = input.fd;
  const turn = loopTurns();
  const progress = new Progress(io, input.size, "vmstate-rewrite", dest.progress);
  let plan: TailRewrite;
  try {
    plan = await planTailRewrite(
      { size: input.size, readAt: (p, n) => readAt(fs, fd, p, n), chunks: () => new FdReader(fd, fdIoFrom(fs)) },
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
  if (dest.kind === "stdout") return toStdout(fs, fd, plan, dest.stdout, turn);
  const target = resolveOutput(dest.path, fs);
  if (target.kind === "directory") throw new FileProblem(`cannot write ${dest.path}: Is a directory`);
  if (target.kind === "stream") {
    const out = underPath(dest.path, () => fs.openSync(target.path, "w"));
    try {
      await underPathAsync(dest.path, () => writeWithNewTail(fs, fd, plan, new FdSink(out, fdIoFrom(fs)), turn));
    } finally {
      fs.closeSync(out);
    }
    return;
  }
  const out = new AtomicOutput(target, dest.path, io, fs.fstatSync(fd).mode);
  try {
    underPath(dest.path, () => {
      // copy_file_range fills holes with zeros (ext4): a sparse input is copied by hand.
      const st = fs.fstatSync(fd);
      if (isSparse(st)) copySparse(fs, fd, out.fd, st.size);
      else fs.copyFileSync(input.name, out.tmp, constants.COPYFILE_FICLONE);
      if (fs.fstatSync(out.fd).size !== plan.end) throw new FileProblem(`${input.name} changed while it was being read`);
      if (plan.changed) {
        writeAllAt(fs, out.fd, plan.bytes, plan.start);
        fs.ftruncateSync(out.fd, plan.start + plan.bytes.length);
      }
    });
    await out.commit();
  } finally {
    out.abandon();
  }
}

async function toStdout(fs: CliIo["fs"], fd: number, plan: TailRewrite, stdout: StdoutOutput, turn: () => Promise<void> | undefined): Promise<void> {
  const release = cleanupOnSignal(stdout.takeBack);
  try {
    await writeWithNewTail(fs, fd, plan, stdout.sink, turn);
  } catch (e) {
    stdout.takeBack();
    throw e;
  } finally {
    release();
  }
}
