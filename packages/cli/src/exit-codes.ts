/**
 * Exit codes both CLIs share, so scripts can tell "your stream is bad" from "you called me
 * wrong" from "the disk failed". Printed in each command's --help epilogue.
 */
export const EXIT = {
  /** Done; for inspect, the stream decoded completely. */
  OK: 0,
  /** The input is not a valid migration stream (truncated, damaged), or uses what we do not handle; nothing was written to -o. */
  BAD_STREAM: 1,
  /** Wrong arguments. */
  USAGE: 2,
  /** A file could not be read or written. */
  IO: 3,
  /** The change was refused: --strict found a problem, or the stream has nothing the change applies to. */
  REFUSED: 4,
  /** `vmstate-inspect diff --exit-code`: the streams differ (like `git diff --exit-code`). */
  DIFFERENT: 5,
  /** A bug in vmstate: please report it with the input at {@link ISSUES_URL}. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Where users report bugs: the `bugs.url` of every package.json (a test keeps them equal).
 * Said in --help and with every internal error, since a user meeting one has no other pointer.
 */
export const ISSUES_URL = "https://github.com/vmstate/vmstate/issues";

/** Lines of at most 78 columns: yargs wraps help at 80 when standard output is not a terminal. */
export const EXIT_CODES_HELP = [
  "Exit codes:",
  "  0   success",
  "  1   the input is not a valid or complete migration stream, or uses a",
  "      feature or size vmstate does not handle (the message says which)",
  "  2   usage error",
  "  3   a file could not be read or written",
  "  4   refused: --strict check failed, or nothing in the stream to apply the",
  "      change to",
  "  5   differences found (vmstate-inspect diff --exit-code)",
  "  70  internal error: a bug in vmstate; please report it, with the input,",
  `      at ${ISSUES_URL}`,
].join("\n");
