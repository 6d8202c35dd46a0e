import { dirname } from "node:path";
import type { CliFs } from "../io.js";
import { readAt, syncDirectoryOf, writeAllAt } from "./file-io.js";
import { decodeUndo, encodeUndo, undoPathOf } from "./undo-record.js";
import { describeSystemError, FileProblem, isSystemError, systemWords, underPath } from "./system-error.js";

/** A new end for a file: `[start, end)` becomes `bytes`. */
export interface TailChange {
  start: number;
  end: number;
  bytes: Uint8Array;
}

/** The points of an in-place update after which a crash is survivable (tests crash there). */
export type InPlaceStep = "undo-written" | "undo-synced" | "tail-written" | "truncated" | "file-synced" | "undo-removed";

/**
 * Replaces the end of a file in place: same inode, mode, owner and group, no copy of what
 * comes before, no more disk than the undo record (the old tail, ~1 MB).
 *
 * The protocol, so that a crash at any instant leaves the old or the new file once the next
 * run has looked (see {@link recoverInPlace}):
 * 1. the old tail goes into the undo record beside the file, which is synced, and so is the
 *    directory that names it: from here on the old file can always be put back;
 * 2. the new tail is written over the old, the file cut to its new length and synced;
 * 3. the undo record is removed and the directory synced: the new file stands.
 * A failure during 2 (no space left, an I/O error) puts the old tail back at once. The
 * steps are synchronous, so a signal is acted on before or after them, never between.
 * `afterStep` lets tests crash the process at each point.
 */
export function rewriteTailInPlace(fs: CliFs, path: string, change: TailChange, afterStep: (step: InPlaceStep) => void = () => {}): void {
  const fd = underPath(path, () => fs.openSync(path, "r+"));
  try {
    underPath(path, () => {
      const st = fs.fstatSync(fd);
      if (st.size !== change.end) throw new FileProblem(`${path} changed while it was being read (its size is now ${st.size}, was ${change.end})`);
      const oldTail = readAt(fs, fd, change.start, change.end - change.start);
      writeUndo(fs, path, encodeUndo({ dev: BigInt(st.dev), ino: BigInt(st.ino), offset: change.start, oldSize: change.end, oldTail }), afterStep);
      try {
        writeAllAt(fs, fd, change.bytes, change.start);
        afterStep("tail-written");
        fs.ftruncateSync(fd, change.start + change.bytes.length);
        afterStep("truncated");
        fs.fsyncSync(fd);
        afterStep("file-synced");
      } catch (e) {
        putBack(fs, fd, path, change.start, oldTail, change.end);
        throw e;
      }
      removeUndo(fs, path);
      afterStep("undo-removed");
    });
  } finally {
    fs.closeSync(fd);
  }
}

function writeUndo(fs: CliFs, path: string, record: Uint8Array, afterStep: (step: InPlaceStep) => void): void {
  const undo = undoPathOf(path);
  const problem = (e: unknown) =>
    undoProblem(e, `cannot write the undo record ${undo}`, `--in-place writes it beside ${path} before changing the file: make ${dirname(undo)} writable for this user (and give it room), or write a new file with -o`);
  // "wx": an undo record already there belongs to a rewrite nobody has recovered yet.
  let ufd: number;
  try {
    ufd = fs.openSync(undo, "wx", 0o600);
  } catch (e) {
    throw problem(e);
  }
  try {
    writeAllAt(fs, ufd, record, 0);
    afterStep("undo-written");
    fs.fsyncSync(ufd);
  } catch (e) {
    fs.closeSync(ufd);
    fs.unlinkSync(undo);
    throw problem(e);
  }
  fs.closeSync(ufd);
  syncDirectoryOf(fs, path);
  afterStep("undo-synced");
}

/** A system error about the undo record, said under its path with what the user can do. */
function undoProblem(e: unknown, what: string, advice: string): unknown {
  return isSystemError(e) ? new FileProblem(`${what}: ${systemWords(e)}; ${advice}`) : e;
}

function putBack(fs: CliFs, fd: number, path: string, offset: number, oldTail: Uint8Array, oldSize: number): void {
  writeAllAt(fs, fd, oldTail, offset);
  fs.ftruncateSync(fd, oldSize);
  fs.fsyncSync(fd);
  removeUndo(fs, path);
}

function removeUndo(fs: CliFs, path: string): void {
  fs.unlinkSync(undoPathOf(path));
  syncDirectoryOf(fs, path);
}

/**
 * Finishes what a crashed in-place rewrite of `path` left: with a complete undo record the
 * old tail is put back (the rewrite may then be run again); with an incomplete one the file
 * was never touched and the record is removed. Returns what it did, for one stderr line, or
 * undefined when there was nothing to recover. Recovering twice is harmless, so a crash
 * during recovery is recovered by the next run too.
 */
export function recoverInPlace(fs: CliFs, path: string): string | undefined {
  const undo = undoPathOf(path);
  if (!fs.existsSync(undo)) return undefined;
  const advice = `it holds the old end of ${path} from an interrupted --in-place: run vmstate-rewrite on ${path} (--dry-run will do) as a user who may read ${undo} and write ${path} and ${dirname(undo)}, and it is put back`;
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(undo);
  } catch (e) {
    throw undoProblem(e, `cannot read the undo record ${undo}`, advice);
  }
  const record = decodeUndo(bytes);
  if (record === "foreign") {
    throw new FileProblem(`${undo} is in the way: vmstate-rewrite keeps the undo record of an in-place rewrite of ${path} under that name, and this file is not one (no vmstate-undo magic); move it away, then run again`);
  }
  if (record === "incomplete") {
    try {
      removeUndo(fs, path);
    } catch (e) {
      throw undoProblem(e, `cannot remove ${undo}, the incomplete undo record of an interrupted in-place rewrite (it had not touched ${path} yet)`, `remove it as a user who may write ${dirname(undo)}`);
    }
    return `removed ${undo}, the incomplete undo record of an interrupted in-place rewrite (it had not touched ${path} yet)`;
  }
  try {
    const fd = fs.openSync(path, "r+");
    try {
      const st = fs.fstatSync(fd);
      if (BigInt(st.ino) !== record.ino || BigInt(st.dev) !== record.dev) {
        throw new FileProblem(`${undo} is the undo record of another file than ${path} (it was replaced since): remove it if that was meant, then run again`);
      }
      putBack(fs, fd, path, record.offset, record.oldTail, record.oldSize);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    // The system's own line (`cannot open FILE: Permission denied`) says which file refused.
    if (!isSystemError(e)) throw e;
    throw new FileProblem(`cannot roll back the interrupted in-place rewrite of ${path} recorded in ${undo}: ${describeSystemError(e)}; ${advice}`);
  }
  return `${path}: rolled back an interrupted in-place rewrite from ${undo}; the file is as it was before it`;
}
