import type { CommandSpec, OptionSpec } from "./completion/command-spec.js";

/**
 * `--dest -` as `--dest=-`. yargs takes a lone `-` after a short option as its value (`-i -`)
 * but not after a long one: `--dest -` gives `--dest` an empty value and leaves `-` as a stray
 * positional (refused as an unknown argument, or taken as the next positional), so `-` as
 * standard input or output would work for one spelling only. The options that take a value
 * are the ones the CLI defines (`program`, recorded from the same yargs calls); a boolean
 * flag before `-` (`verify --json -`) is left alone, and nothing after `--` is touched.
 */
export function joinDashValues(program: CommandSpec, argv: readonly string[]): string[] {
  const command = argv.find((w) => program.commands.has(w));
  const options = [...program.options, ...(command === undefined ? [] : program.commands.get(command)!.options)];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return [...out, ...argv.slice(i)];
    if (argv[i + 1] === "-" && word.startsWith("--") && !word.includes("=") && takesValue(options, word.slice(2))) {
      out.push(`${word}=-`);
      i++;
    } else out.push(word);
  }
  return out;
}

function takesValue(options: readonly OptionSpec[], name: string): boolean {
  return options.some((o) => o.takesValue && o.names.includes(name));
}

/** Whether argv may hold a long option followed by a lone `-` (then it is worth recording the CLI). */
export function mayHaveDashValue(argv: readonly string[]): boolean {
  return argv.some((w, i) => w === "-" && i > 0 && argv[i - 1]!.startsWith("--") && !argv[i - 1]!.includes("="));
}
