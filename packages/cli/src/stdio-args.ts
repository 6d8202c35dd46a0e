import { isStdin } from "./io.js";
import { UsageError } from "./run-cli.js";

/** An argument that names a file or `-`: how the user wrote it (`-i`, `--dest`, `A`), and its value if given. */
export type PathArgument = readonly [name: string, path: string | undefined];

/**
 * Refuses two arguments that would both read standard input (`diff - -`, `-i - --fit -`):
 * there is one, and the first reader would leave nothing for the second.
 */
export function oneStdinReader(...args: readonly PathArgument[]): void {
  const readers = args.filter(([, path]) => path !== undefined && isStdin(path)).map(([name]) => name);
  if (readers.length > 1) throw new UsageError(`only one of ${readers.join(" and ")} can be standard input`);
}

/** Refuses two arguments that would both write standard output (`-o - --report-json -`): their bytes would mix. */
export function oneStdoutWriter(...args: readonly PathArgument[]): void {
  const writers = args.filter(([, path]) => path !== undefined && isStdin(path)).map(([name]) => name);
  if (writers.length > 1) throw new UsageError(`only one of ${writers.join(" and ")} can be standard output`);
}
