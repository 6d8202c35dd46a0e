import type { RecordTransform } from "@vmstate/rewrite";
import { isStdin, type CliIo } from "../io.js";
import { openStreamInput, withImageOffsets } from "../stream-input.js";
import { resolveOutput } from "../files/output-target.js";
import { recoverInPlace } from "../files/tail-in-place.js";
import { stdoutOutput, type StdoutOutput } from "../files/stdout-output.js";
import { rewriteSeekable } from "./seekable-rewrite.js";
import { rewriteStreamed } from "./streamed-rewrite.js";

/** The I/O arguments of vmstate-rewrite (yargs camel-cases the option names). */
export interface RewriteIoArgs {
  input: string;
  output: string;
  inPlace: boolean;
  dryRun: boolean;
  checkRam: boolean;
  verbose: boolean;
  force: boolean;
  maxTail: number;
  /** --progress (on by default); --quiet turns it off too. */
  progress: boolean;
  quiet: boolean;
}

/** Where the rewritten stream goes, and what the writers tell the caller. */
export type RewriteDestination = (
  | { kind: "dry-run" }
  /** `path`: the file itself, symbolic links followed. */
  | { kind: "in-place"; path: string }
  | { kind: "stdout"; stdout: StdoutOutput }
  | { kind: "file"; path: string }
) & {
  maxTailBytes: number;
  checkRam: boolean;
  /** A progress bar is wanted (it shows only on a terminal, when the size is known). */
  progress: boolean;
  /** Called once the transforms have accepted the result, before anything is written. */
  decided: () => void;
  /** A line for --verbose. */
  verbose: (line: string) => void;
};

/**
 * Opens the input and sends the rewrite where the arguments say. A regular file is not read
 * through (rewrite/seekable-rewrite.ts); a pipe streams (rewrite/streamed-rewrite.ts). An
 * in-place rewrite of the input that a crash interrupted is rolled back first, whatever this
 * run does.
 */
export async function runRewrite(args: RewriteIoArgs, transforms: readonly RecordTransform[], io: CliIo, decided: () => void): Promise<void> {
  const say = (line: string) => io.stderr(`vmstate-rewrite: ${line}\n`);
  const common = {
    maxTailBytes: args.maxTail * 1048576,
    checkRam: args.checkRam,
    progress: args.progress && !args.quiet,
    decided,
    verbose: (line: string) => void (args.verbose && say(line)),
  };
  let inputFile: string | undefined;
  if (!isStdin(args.input)) {
    inputFile = resolveOutput(args.input, io.fs).path;
    const recovered = recoverInPlace(io.fs, inputFile);
    if (recovered) say(recovered);
  }
  let dest: RewriteDestination;
  if (args.dryRun) dest = { kind: "dry-run", ...common };
  else if (args.inPlace) dest = { kind: "in-place", path: inputFile!, ...common };
  else if (isStdin(args.output)) dest = { kind: "stdout", stdout: stdoutOutput(io, args.force), ...common };
  else dest = { kind: "file", path: args.output, ...common };
  const input = await openStreamInput(args.input, io);
  try {
    if (input.fd !== undefined && input.size !== undefined && input.path !== undefined) await rewriteSeekable({ ...input, fd: input.fd, size: input.size, path: input.path }, dest, transforms, io);
    else await rewriteStreamed(input, dest, transforms, io);
  } catch (e) {
    throw withImageOffsets(input, e);
  } finally {
    input.close();
  }
}
