import { KNOWN_RELEASES } from "@vmstate/destination";
import type { CommandSpec, OptionSpec } from "./command-spec.js";

export { recordCommand } from "./command-spec.js";

/**
 * Values to offer for options whose accepted set is open (any `MAJOR.MINOR` is taken) but
 * whose useful values are few: the releases whose behaviour vmstate knows.
 */
const SUGGESTED_VALUES: Readonly<Record<string, readonly string[]>> = { "dest-qemu": KNOWN_RELEASES };

/**
 * What can come at the last of `words` (the words after the program name, the last one
 * being the word under the cursor, maybe empty), each starting with it. An empty answer
 * means "a file name": the completion scripts then let the shell complete files, which
 * it does better (quoting, directories, `~`).
 */
export function completionCandidates(program: CommandSpec, words: readonly string[]): string[] {
  const current = words.at(-1) ?? "";
  let command = program;
  let options = program.options;
  let positionals = 0;
  let valueOf: OptionSpec | undefined;
  for (const word of words.slice(0, -1)) {
    if (valueOf !== undefined) {
      // bash splits `--format=an` into `--format`, `=`, `an` (COMP_WORDBREAKS): the value comes after the `=`.
      if (word !== "=") valueOf = undefined;
    } else if (word.startsWith("-") && word !== "-") {
      const option = optionNamed(options, word);
      valueOf = option?.takesValue && !word.includes("=") ? option : undefined;
    } else if (command === program && positionals === 0 && program.commands.has(word)) {
      command = program.commands.get(word)!;
      // Options of the program (yargs' are global) stay valid after the command name.
      options = [...program.options, ...command.options];
    } else {
      positionals++;
    }
  }
  const startingWith = (all: Iterable<string>): string[] => [...all].filter((c) => c.startsWith(current));
  if (valueOf !== undefined) return startingWith(valuesOf(valueOf));
  // zsh keeps `--format=an` one word: the candidates are whole words too.
  const assigned = /^(--?[^=]+)=/.exec(current);
  if (assigned !== null) {
    const option = optionNamed(options, assigned[1]!);
    return option?.takesValue ? startingWith(valuesOf(option).map((v) => `${assigned[0]}${v}`)) : [];
  }
  if (current.startsWith("-")) return startingWith(options.flatMap(spellings));
  if (command === program && program.commands.size > 0 && positionals === 0) {
    return startingWith([...program.commands.keys(), ...(program.runsAlone ? options.flatMap(spellings) : [])]);
  }
  // A command that takes no file: its options are all there is to type.
  if (command.positionals === 0) return startingWith(options.flatMap(spellings));
  return [];
}

/** What an option's value can be: yargs' choices, else the suggested values; none for a file name. */
function valuesOf(option: OptionSpec): readonly string[] {
  return option.choices ?? option.names.flatMap((n) => SUGGESTED_VALUES[n] ?? []);
}

/** `--input`, `-i`; and `--no-progress` for a flag that is on by default (yargs' negation). */
function spellings(option: OptionSpec): string[] {
  const long = option.names.filter((n) => n.length > 1);
  return [...option.names.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)), ...(option.negatable ? long.map((n) => `--no-${n}`) : [])];
}

function optionNamed(options: readonly OptionSpec[], word: string): OptionSpec | undefined {
  const name = word.replace(/^--?/, "").replace(/=.*/, "").replace(/^no-/, "");
  return options.find((o) => o.names.includes(name));
}
