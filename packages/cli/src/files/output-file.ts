import { FdSink, fdIoFrom, type ByteSink } from "@vmstate/wire";
import type { CliIo } from "../io.js";
import { AtomicOutput } from "../atomic-output.js";
import { resolveOutput } from "./output-target.js";
import { FileProblem, underPath, underPathAsync } from "./system-error.js";

/** An opened `-o PATH`: bytes go to `sink`; `commit` makes them the file, `abandon` leaves none. */
export interface OutputFile {
  sink: ByteSink;
  commit(): Promise<void>;
  /** Safe after commit (does nothing then). */
  abandon(): void;
}

/**
 * Opens an output the way every `-o`-like option of ours does (the stream, `--report-json`,
 * the HTML report), so they all behave alike: a regular file, new or existing (through
 * symbolic links), is written beside and renamed over only when complete ({@link AtomicOutput});
 * a device or FIFO is written into as it is; a directory is refused. Errors name `path` as
 * the user wrote it.
 */
export function openOutputFile(path: string, io: CliIo): OutputFile {
  const target = underPath(path, () => resolveOutput(path, io.fs));
  if (target.kind === "directory") throw new FileProblem(`cannot write ${path}: Is a directory`);
  if (target.kind === "stream") {
    const fd = underPath(path, () => io.fs.openSync(target.path, "w"));
    const sink = new FdSink(fd, fdIoFrom(io.fs));
    let open = true;
    const close = () => {
      if (open) io.fs.closeSync(fd);
      open = false;
    };
    return {
      sink,
      commit: async () => {
        await underPathAsync(path, () => sink.end());
        close();
      },
      abandon: close,
    };
  }
  const out = new AtomicOutput(target, path, io);
  return { sink: out.sink, commit: () => out.commit(), abandon: () => out.abandon() };
}

/** Writes a whole document (a report) to `path` through {@link openOutputFile}: all of it, or nothing. */
export async function writeOutputFile(path: string, io: CliIo, text: string): Promise<void> {
  const out = openOutputFile(path, io);
  try {
    underPath(path, () => out.sink.write(Buffer.from(text)));
    await out.commit();
  } finally {
    out.abandon();
  }
}
