import type { ByteSink } from "@vmstate/wire";
import { FileProblem } from "./system-error.js";

/** The minimal file-system calls the check makes (node:fs provides them). */
interface ProcFs {
  fstatSync(fd: number): { dev: number; ino: number };
  statSync(path: string): { dev: number; ino: number };
  readFileSync(path: string, encoding: "utf8"): string;
}
/** `O_ACCMODE` and `O_RDWR` in the octal `flags:` line of /proc/self/fdinfo. */
const O_ACCMODE = 0o3;
const O_RDWR = 0o2;

/**
 * Whether standard output was closed when the process started (`cmd >&-`). Node never lets
 * fd 1 stay closed: at start-up it opens /dev/null read-write in its place, so every write
 * would succeed into nothing and a report or a rewritten stream would vanish with exit 0.
 * A shell's `> /dev/null` opens it write-only; read-write /dev/null on fd 1 is Node's doing
 * (or the rare `1<>/dev/null`, which discards output just the same). Linux only: elsewhere,
 * or when /proc cannot be read, the answer is "not closed".
 */
export function stdoutWasClosed(fs: ProcFs): boolean {
  try {
    // The same file as /dev/null (compared by identity, not by device number: a container
    // may give /dev/null another one).
    const st = fs.fstatSync(1);
    const devNull = fs.statSync("/dev/null");
    if (st.dev !== devNull.dev || st.ino !== devNull.ino) return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync("/proc/self/fdinfo/1", "utf8"));
    return flags !== null && (parseInt(flags[1]!, 8) & O_ACCMODE) === O_RDWR;
  } catch {
    return false;
  }
}

/** The error every write to a closed standard output meets (exit 3, like any I/O failure). */
export function closedStdoutError(): FileProblem {
  return new FileProblem("cannot write standard output: it is closed (>&-); redirect it to a file or to /dev/null");
}

/** A sink for a closed standard output: the first write fails, so nothing is lost silently. */
export class ClosedStdout implements ByteSink {
  write(): never {
    throw closedStdoutError();
  }

  async end(): Promise<void> {}
}
