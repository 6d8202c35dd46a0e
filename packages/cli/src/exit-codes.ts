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
  /** The change was refused: --strict found a problem, the stream has nothing the change applies to, or an --add met another value. */
  REFUSED: 4,
  /** `vmstate-inspect diff --exit-code`: the streams differ (like `git diff --exit-code`). */
  DIFFERENT: 5,
  /** `vmstate-inspect explain` (and `report --dest`): the destination would refuse the stream. */
  WOULD_REFUSE: 6,
  /** `vmstate-inspect explain` (and `report --dest`): whether the destination loads the stream cannot be told (the report says why). */
  CANNOT_TELL: 7,
  /** A bug in vmstate: please report it with the input at {@link ISSUES_URL}. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit status of each `explain` verdict, so a script can branch on it. */
export const VERDICT_EXIT = { loads: EXIT.OK, refuses: EXIT.WOULD_REFUSE, "cannot-tell": EXIT.CANNOT_TELL } as const;

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
  "  4   refused: --strict check failed (a guest-state change, an absent",
  "      register or subsection), nothing in the stream to apply the change to,",
  "      or --add found the register holding another value",
  "  5   differences found (vmstate-inspect diff --exit-code)",
  "  6   the destination would refuse the stream (vmstate-inspect explain, and",
  "      report with --dest, which still writes the page)",
  "  7   whether it would load cannot be told (explain; report with --dest)",
  "  70  internal error: a bug in vmstate; please report it, with the input,",
  `      at ${ISSUES_URL}`,
].join("\n");
