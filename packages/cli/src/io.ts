import * as nodeFs from "node:fs";
import { createRequire } from "node:module";
import { FdReader, FdSink, fdIoFrom, writeFully, type ByteInput, type ByteSink, type SyncFs } from "@vmstate/wire";
import type { RamFs } from "@vmstate/inspect";
import { ClosedStdout, closedStdoutError, stdoutWasClosed } from "./files/closed-stdout.js";
import { FileProblem, readerUnderPath } from "./files/system-error.js";

/** The file-system calls the CLIs make; node:fs and memfs both provide them. */
export interface CliFs extends SyncFs, Omit<RamFs, "readSync" | "writeSync"> {
  openSync(path: string, flags: string, mode?: number): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): FileStat;
  statSync(path: string): FileStat;
  lstatSync(path: string): FileStat & { isSymbolicLink(): boolean };
  /** node:fs has the C library's realpath(3) as `.native`; memfs only its own. */
  realpathSync: ((path: string) => string) & { native?: (path: string) => string };
  readlinkSync(path: string): string | Buffer;
  fchmodSync(fd: number, mode: number): void;
  fchownSync(fd: number, uid: number, gid: number): void;
  /** On the thread pool, so a signal is acted on while the kernel copies a large file. */
  copyFile(from: string, to: string, mode: number, done: (e: NodeJS.ErrnoException | null) => void): void;
  fsyncSync(fd: number): void;
  fsync(fd: number, done: (e: NodeJS.ErrnoException | null) => void): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  existsSync(path: string): boolean;
  writeFileSync(path: string, data: string | Uint8Array): void;
  readFileSync(path: string, encoding: "utf8"): string;
  readFileSync(path: string): Uint8Array;
}

/** What the CLIs ask of a file's status. */
export interface FileStat {
  size: number;
  mode: number;
  uid: number;
  gid: number;
  dev: number;
  ino: number;
  /** 512-byte blocks allocated (absent in file systems that do not say). */
  blocks?: number;
  isFile(): boolean;
  isDirectory(): boolean;
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
  /** Whether standard output is a terminal (binary output is refused there unless forced). */
  stdoutIsTTY?: boolean;
  /** The descriptor behind `stdout`, when it has one (a regular file is truncated back on failure). */
  stdoutFd?: number;
  /** TERM: "dumb" gets progress as plain lines (no `\r`, no escape codes). */
  term: string | undefined;
  /** The size of standard input when it is a regular file (`< vm.mig`), for progress. */
  stdinSize: () => number | undefined;
  /**
   * Descriptor 0 when standard input is a regular file read from its start (`< vm.mig`): it
   * is then read at positions, like `-i vm.mig`, its RAM not read through.
   */
  stdinFile?: () => number | undefined;
}

/**
 * The real process: fd 0/1/2 and node:fs; `name` prefixes its own error lines. Standard
 * error is written with synchronous writes to fd 2 (what process.stderr does for files, pipes
 * and terminals on Linux) because creating process.stderr costs start-up time.
 */
export function nodeIo(name: string): CliIo {
  const fdIo = fdIoFrom();
  const stderr = (text: string): void => {
    try {
      writeFully(fdIo, 2, Buffer.from(text));
    } catch {
      // Standard error is gone (closed pipe): nothing can be said; the exit code still tells.
    }
  };
  const stdoutClosed = stdoutWasClosed(nodeFs);
  return {
    stdin: () => {
      // A user who forgot to pipe a stream in would otherwise face a silent wait. Only a
      // character device can be a terminal, so node:tty (~10 ms) is never loaded for a pipe.
      const st = stdinStat();
      if (st?.isDirectory()) throw new FileProblem("cannot read standard input: Is a directory");
      if (st?.isCharacterDevice() && isTerminal(0)) {
        stderr(`${name}: reading a migration stream from standard input, which is a terminal: pipe one in (< FILE) or name a file; Ctrl-C quits\n`);
      }
      return new FdReader(0);
    },
    // Bytes go to fd 1 with synchronous writes; a closed pipe makes them throw EPIPE, which
    // is reported like any other I/O failure.
    stdout: stdoutClosed ? new ClosedStdout() : new FdSink(1, fdIo),
    stderr,
    print: (text) => {
      if (stdoutClosed) throw closedStdoutError();
      textStdout(name, stderr).write(text);
    },
    fs: nodeFs as unknown as CliFs,
    get stderrIsTTY() {
      return isTerminal(2);
    },
    get stdoutIsTTY() {
      // fstat first: node:tty costs start-up time, and a pipe, a file or /dev/null (a
      // character device of the memory devices' major number, 1) cannot be a terminal.
      const st = nodeFs.fstatSync(1);
      return st.isCharacterDevice() && st.rdev >> 8 !== 1 && isTerminal(1);
    },
    stdoutFd: 1,
    term: process.env.TERM,
    stdinSize: () => {
      const st = stdinStat();
      return st?.isFile() ? st.size : undefined;
    },
    stdinFile: () => (stdinStat()?.isFile() && stdinAtStart() ? 0 : undefined),
  };
}

/**
 * Whether fd 0's file position is 0 (Linux's /proc/self/fdinfo says; elsewhere, not known,
 * so no). A script may have read part of the file through the shared descriptor first
 * (`{ dd bs=92 count=1 of=/dev/null; vmstate-rewrite; } < image`): the stream is then what
 * follows, read as it comes.
 */
function stdinAtStart(): boolean {
  try {
    return /^pos:\s*0$/m.test(nodeFs.readFileSync("/proc/self/fdinfo/0", "utf8"));
  } catch {
    return false;
  }
}

/** What fd 0 is; undefined when it is closed (reading it then fails with its own error). */
function stdinStat(): nodeFs.Stats | undefined {
  try {
    return nodeFs.fstatSync(0);
  } catch {
    return undefined;
  }
}

const lazyRequire = createRequire(import.meta.url);

/**
 * Whether `fd` is a terminal. node:tty is loaded only when asked (progress bars, help width):
 * it brings node:net and the stream modules with it, ~10 ms of every start otherwise.
 */
export function isTerminal(fd: number): boolean {
  return (lazyRequire("node:tty") as typeof import("node:tty")).isatty(fd);
}

let stdoutReady = false;

/**
 * process.stdout for reports, set up on first use. vmstate-rewrite must never create it:
 * Node makes a piped fd 1 non-blocking then, and the stream's synchronous writes would meet
 * EAGAIN (scripts/bundle.mjs keeps yargs from creating it). `vmstate-inspect … | head` closes
 * the pipe early: that ends the output, not in a crash; any other write error is one line,
 * like every failure.
 */
function textStdout(name: string, stderr: (text: string) => void): NodeJS.WriteStream {
  if (!stdoutReady) {
    stdoutReady = true;
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      stderr(`${name}: writing standard output failed: ${e.code ?? e.message}\n`);
      process.exit(3);
    });
  }
  return process.stdout;
}

/** An opened input: its bytes, its size when known, and how to close it. */
export interface OpenedInput {
  name: string;
  bytes: ByteInput;
  size: number | undefined;
  /** The descriptor of a regular file (read at positions by the seekable path); undefined otherwise. */
  fd: number | undefined;
  /** A path that opens the input's file (for the kernel's whole-file copy), when it has one. */
  path: string | undefined;
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
  if (isStdin(path)) {
    const fd = io.stdinFile?.();
    // The kernel copies it by a name too: /proc/self/fd/0 opens the same file.
    return { name: "<stdin>", path: fd === undefined ? undefined : "/proc/self/fd/0", bytes: io.stdin(), size: io.stdinSize(), fd, close: () => {} };
  }
  const fd = io.fs.openSync(path, "r");
  let st: FileStat;
  try {
    st = io.fs.fstatSync(fd);
    // Linux opens a directory for reading; only the first read fails, far from the path.
    if (st.isDirectory()) throw new FileProblem(`cannot read ${path}: Is a directory`);
  } catch (e) {
    io.fs.closeSync(fd);
    throw e;
  }
  return {
    name: path,
    path,
    bytes: readerUnderPath(new FdReader(fd, fdIoFrom(io.fs)), path),
    size: st.isFile() ? st.size : undefined,
    fd: st.isFile() ? fd : undefined,
    close: () => io.fs.closeSync(fd),
  };
}
