/**
 * Failures of the file system said the way Unix tools say them: what could not be done, the
 * user's path, and the system's words (`cannot open /nonexistent: No such file or
 * directory`), never an errno name or the name of a temporary file.
 */

import type { ByteSink, RecyclingInput } from "@vmstate/wire";

/** An error from node:fs or memfs: it names its code and the call that failed. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return typeof (e as NodeJS.ErrnoException)?.code === "string" && typeof (e as NodeJS.ErrnoException)?.syscall === "string";
}

/** A file operation that failed, under the path the user gave. */
export class FileError extends Error {
  constructor(
    readonly verb: string,
    readonly path: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    super(`${verb} ${path}: ${systemWords(cause)}`);
  }
}

/** A file in a state the command cannot work with (changed under it, a stray undo record). */
export class FileProblem extends Error {}

/** What each call was trying to do, as a phrase that takes a path. */
const VERBS: Record<string, string> = {
  open: "cannot open",
  read: "cannot read",
  write: "cannot write",
  fsync: "cannot write",
  ftruncate: "cannot write",
  copyfile: "cannot write",
  rename: "cannot write",
  mkdir: "cannot create directory",
  access: "cannot write into",
  unlink: "cannot remove",
  fchmod: "cannot set the mode of",
  fchown: "cannot set the owner of",
  stat: "cannot stat",
  fstat: "cannot stat",
  lstat: "cannot stat",
  readlink: "cannot read the link",
};

/**
 * The message's own words for the error. Node's messages carry libuv's description
 * (`ENOENT: no such file or directory, open '/x'`); where it differs from the C library's,
 * which users know from every other tool, the C library's is used.
 */
export function systemWords(e: NodeJS.ErrnoException): string {
  const c = C_LIBRARY_WORDS[e.code ?? ""];
  if (c) return c;
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(e.message);
  return m ? m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1) : (e.code ?? e.message);
}

const C_LIBRARY_WORDS: Record<string, string> = {
  EEXIST: "File exists",
  EISDIR: "Is a directory",
  EXDEV: "Invalid cross-device link",
  EIO: "Input/output error",
  ELOOP: "Too many levels of symbolic links",
  EAGAIN: "Resource temporarily unavailable",
  ENOTEMPTY: "Directory not empty",
};

/** One line for a system error that no caller put under a user's path. */
export function describeSystemError(e: NodeJS.ErrnoException): string {
  const verb = VERBS[e.syscall ?? ""] ?? `${e.syscall} failed for`;
  return e.path ? `${verb} ${e.path}: ${systemWords(e)}` : `${verb.replace(/ (for|of)$/, "")}: ${systemWords(e)}`;
}

/** Runs `fn`; a system error it throws is reported under `path` (the user's, not a temp name). */
export function underPath<T>(path: string, fn: () => T, verb?: string): T {
  try {
    return fn();
  } catch (e) {
    if (!isSystemError(e)) throw e;
    throw new FileError(verb ?? VERBS[e.syscall ?? ""] ?? `${e.syscall} failed for`, path, e);
  }
}

/** {@link underPath} for asynchronous work. */
export async function underPathAsync<T>(path: string, fn: () => Promise<T>, verb?: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isSystemError(e)) throw e;
    throw new FileError(verb ?? VERBS[e.syscall ?? ""] ?? `${e.syscall} failed for`, path, e);
  }
}

/** A sink whose write errors name `path` (the user's, not a temporary name): `cannot write PATH: No space left on device`. */
export function sinkUnderPath(sink: ByteSink, path: string): ByteSink {
  return {
    write: (bytes) => {
      const r = underPath(path, () => sink.write(bytes), "cannot write");
      return r === undefined ? undefined : underPathAsync(path, () => r, "cannot write");
    },
    end: () => underPathAsync(path, () => sink.end(), "cannot write"),
  };
}

/** A file's reader whose read errors name `path`: `cannot read PATH: Input/output error`. */
export function readerUnderPath(reader: RecyclingInput, path: string): RecyclingInput {
  return {
    *[Symbol.iterator]() {
      const it = reader[Symbol.iterator]();
      for (;;) {
        const r = underPath(path, () => it.next(), "cannot read");
        if (r.done) return;
        yield r.value;
      }
    },
    recycle: (buffer) => reader.recycle(buffer),
  };
}
