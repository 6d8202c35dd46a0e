import * as nodeFs from "node:fs";
import { FdReader, FdSink, fdIoFrom, type ByteInput, type ByteSink, type SyncFs } from "@vmstate/wire";
import type { RamFs } from "@vmstate/inspect";

/** The file-system calls the CLIs make; node:fs and memfs both provide them. */
export interface CliFs extends SyncFs, Omit<RamFs, "readSync" | "writeSync"> {
  openSync(path: string, flags: string, mode?: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): { size: number; isFile(): boolean };
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  existsSync(path: string): boolean;
  writeFileSync(path: string, data: string | Uint8Array): void;
  readFileSync(path: string, encoding: "utf8"): string;
}

/**
 * Everything a CLI touches outside itself, injected so tests run the real commands
 * in-process against memfs and in-memory streams (docs/style.md, habit 11).
 */
export interface CliIo {
  /** Standard input as bytes; a function so fd 0 is touched only when the user asks for it. */
  stdin: () => ByteInput;
  stdout: ByteSink;
  /** Writes text to standard error as is. */
  stderr: (text: string) => void;
  /** Writes text to standard output (reports); not mixed with `stdout` bytes in one run. */
  print: (text: string) => void;
  fs: CliFs;
  /** Whether standard error is a terminal (progress is drawn only then). */
  stderrIsTTY: boolean;
}

/** The real process: fd 0/1/2 and node:fs. */
export function nodeIo(): CliIo {
  const stdout = new FdSink(1);
  // `vmstate-inspect … | head` closes the pipe early: that ends the output, not in a crash.
  // Any other write error is reported in one line, like every other failure.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    process.stderr.write(`${process.argv[1]?.split("/").pop() ?? "vmstate"}: writing standard output failed: ${e.code ?? e.message}\n`);
    process.exit(3);
  });
  return {
    stdin: () => new FdReader(0),
    stdout,
    stderr: (text) => void process.stderr.write(text),
    print: (text) => void process.stdout.write(text),
    fs: nodeFs as unknown as CliFs,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/** An opened input: its bytes, its size when known, and how to close it. */
export interface OpenedInput {
  name: string;
  bytes: ByteInput;
  size: number | undefined;
  close: () => void;
}

/**
 * True for the path that means standard input: "-". yargs-parser hands a lone "-" argument
 * to a string option or positional as "", which can never name a file, so "" means it too.
 */
export function isStdin(path: string): boolean {
  return path === "-" || path === "";
}

/** Opens a path, or standard input (see {@link isStdin}). */
export function openInput(path: string, io: CliIo): OpenedInput {
  if (isStdin(path)) return { name: "<stdin>", bytes: io.stdin(), size: undefined, close: () => {} };
  const fd = io.fs.openSync(path, "r");
  let st: { size: number; isFile(): boolean };
  try {
    st = io.fs.fstatSync(fd);
  } catch (e) {
    io.fs.closeSync(fd);
    throw e;
  }
  return {
    name: path,
    bytes: new FdReader(fd, fdIoFrom(io.fs)),
    size: st.isFile() ? st.size : undefined,
    close: () => io.fs.closeSync(fd),
  };
}
