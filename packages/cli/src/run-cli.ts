import yargs, { type Argv } from "yargs";
import { VmstateError, printable } from "@vmstate/wire";
import { EXIT, EXIT_CODES_HELP, ISSUES_URL, type ExitCode } from "./exit-codes.js";
import { isTerminal, type CliIo } from "./io.js";
import { VERSION } from "./version.js";
import { FileError, FileProblem, describeSystemError, isSystemError } from "./files/system-error.js";
import { joinDashValues, mayHaveDashValue } from "./dash-values.js";
import { recordCommand } from "./completion/command-spec.js";

/** The hidden first argument the completion script runs the CLI with (completion/script.ts). */
const GET_COMPLETIONS = "--get-completions";

/** What a command handler hands back to the runner: the work to await. */
export type Task = () => Promise<ExitCode>;

/** A user error found while checking arguments (not by yargs). */
export class UsageError extends Error {}

/**
 * Runs a yargs program against injected IO and returns the exit code instead of exiting:
 * help and version go to `io.print`, argument errors to stderr as one line plus a hint,
 * and the command's own failures are mapped to the documented exit codes by
 * {@link exitCodeFor}. Shared by both CLIs so they behave alike.
 */
export async function runCli(
  name: string,
  argv: string[],
  io: CliIo,
  define: (y: Argv, run: (task: Task) => void) => Argv,
): Promise<ExitCode> {
  let task: Task | undefined;
  let usageError: string | undefined;
  const common = (y: Argv): Argv =>
    y
      .scriptName(name)
      .exitProcess(false)
      .strict()
      .wrap(helpWidth(argv))
      .help()
      .alias("h", "help")
      .version(VERSION)
      .command("completion", `print a bash and zsh completion script: source <(${name} completion), or append it to ~/.bashrc or ~/.zshrc`, {}, () => {
        task = async () => {
          // Loaded only here and for --get-completions: a normal run never evaluates it.
          const { completionScript } = await import("./completion/script.js");
          io.print(completionScript(name));
          return EXIT.OK;
        };
      })
      .fail((msg, err) => {
        usageError = msg ?? err?.message ?? "invalid arguments";
      });
  if (argv[0] === GET_COMPLETIONS) {
    // What the completion script asks, with the words typed so far: candidates, one a line.
    const { completionCandidates, recordCommand, NOTHING_TO_OFFER } = await import("./completion/candidates.js");
    const { candidates, fileName } = completionCandidates(recordCommand((r) => define(common(r), () => {})), argv.slice(1));
    io.print(candidates.map((c) => `${c}\n`).join(""));
    return candidates.length === 0 && !fileName ? NOTHING_TO_OFFER : EXIT.OK;
  }
  // Recording the CLI's options costs a pass over its definition: only when it can matter.
  if (mayHaveDashValue(argv)) argv = joinDashValues(recordCommand((r) => define(common(r), () => {})), argv);
  const y = define(common(yargs()), (t) => {
    task = t;
  });
  const output = await new Promise<string>((resolve) => {
    void y.parse(argv, {}, (_err: Error | undefined, _args: unknown, out: string) => resolve(out ?? ""));
  });
  if (usageError !== undefined) {
    io.stderr(`${name}: ${usageError}\nTry '${name} --help'.\n`);
    return EXIT.USAGE;
  }
  try {
    // Help and version fail like any output (a closed standard output is exit 3, said on stderr).
    if (output) io.print(withExitCodes(output, isHelpRequest(argv)));
    if (!task) {
      if (output) return EXIT.OK;
      // Nothing asked (vmstate-inspect alone): what can be asked, rather than a bare complaint.
      io.stderr(withExitCodes(await y.getHelp(), true));
      return EXIT.USAGE;
    }
    return await task();
  } catch (e) {
    const code = exitCodeFor(e);
    // One line whatever the message quotes (an internal error's text is not ours to trust).
    io.stderr(`${name}: ${printable(describeError(e), 2000)}\n`);
    if (code === EXIT.USAGE) io.stderr(`Try '${name} --help'.\n`);
    return code;
  }
}

/**
 * Help ends with the exit codes, at the top and for every subcommand alike (a yargs epilogue
 * shows only at the top).
 */
function withExitCodes(output: string, help: boolean): string {
  const text = output.replace(/\n*$/, "");
  return help ? `${text}\n\n${EXIT_CODES_HELP}\n` : `${text}\n`;
}

function isHelpRequest(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/**
 * Columns for help text: the terminal's, at most 100; 80 when standard output is not a
 * terminal. Only help is wrapped (errors are one line), so the terminal is asked only when
 * help is: that loads node:tty (~10 ms) and creates process.stdout, which must never happen
 * in a pipeline (see textStdout in io.ts).
 */
function helpWidth(argv: readonly string[]): number {
  const help = isHelpRequest(argv);
  // A terminal that reports no size (0 columns, e.g. under script(1)) gets 80 too.
  return Math.min(100, (help && isTerminal(1) ? process.stdout.columns : undefined) || 80);
}

/**
 * `io` whose text output (reports, tables, help) is {@link printable}, line by line: the one
 * place every text report passes, whatever names from the stream it shows.
 */
export function printableText(io: CliIo): CliIo {
  // A child object, not a copy: a copy would run nodeIo's getters (stdoutIsTTY, …) at once.
  const wrapped = Object.create(io) as CliIo;
  wrapped.print = (text) => io.print(printable(text, Infinity, true));
  return wrapped;
}

/** The documented exit code for anything a command throws. */
export function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof UsageError) return EXIT.USAGE;
  if (e instanceof VmstateError) {
    if (e.code === "STRICT" || e.code === "NOT_APPLICABLE") return EXIT.REFUSED;
    return EXIT.BAD_STREAM;
  }
  if (isSystemError(e) || e instanceof FileError || e instanceof FileProblem) return EXIT.IO;
  return EXIT.INTERNAL;
}

/** One line, no stack: what went wrong and where. */
export function describeError(e: unknown): string {
  if (e instanceof VmstateError || e instanceof UsageError || e instanceof FileError || e instanceof FileProblem) return e.message;
  if (isSystemError(e)) return describeSystemError(e);
  const err = e as Error;
  return `internal error: ${err?.message ?? String(e)} (a bug in vmstate: please report it, with the input, at ${ISSUES_URL})`;
}
