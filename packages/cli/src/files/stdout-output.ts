import type { ByteSink } from "@vmstate/wire";
import type { CliIo } from "../io.js";
import { UsageError } from "../run-cli.js";
import { sinkUnderPath } from "./system-error.js";

/** Standard output as the stream's destination, with a way to take back what was written. */
export interface StdoutOutput {
  sink: ByteSink;
  /** Truncates a regular file back to where this run started writing; nothing for others. */
  takeBack(): void;
}

/**
 * Standard output for a binary stream. A terminal is refused unless forced (as gzip does:
 * the bytes would only garble the screen). A regular file (`> fixed.mig`, `>> all.mig`)
 * remembers its size, so that a refused or failed rewrite leaves it as it was instead of
 * a plausible-looking truncated stream.
 */
export function stdoutOutput(io: CliIo, force: boolean): StdoutOutput {
  if (io.stdoutIsTTY && !force) {
    throw new UsageError("standard output is a terminal: a migration stream is binary; redirect it, use -o FILE, or --force");
  }
  const fd = io.stdoutFd;
  const st = fd === undefined ? undefined : io.fs.fstatSync(fd);
  const startSize = st?.isFile() ? st.size : undefined;
  return {
    sink: sinkUnderPath(io.stdout, "standard output"),
    takeBack: () => {
      if (fd !== undefined && startSize !== undefined) io.fs.ftruncateSync(fd, startSize);
    },
  };
}
