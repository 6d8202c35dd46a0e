import { KNOWN_RELEASES } from "@vmstate/destination";
import type { CommandSpec, OptionSpec } from "./command-spec.js";
import { registerCandidates } from "./register-values.js";

export { recordCommand } from "./command-spec.js";

/**
 * Values to offer for options whose accepted set is open, from what is typed of the value:
 * the releases whose behaviour vmstate knows (any `MAJOR.MINOR` is taken), and the registers
 * the Arm tables name.
 */
const SUGGESTED_VALUES: Readonly<Record<string, (typed: string) => readonly string[]>> = {
  "dest-qemu": () => KNOWN_RELEASES,
  hide: (typed) => registerCandidates(typed, ""),
  set: (typed) => registerCandidates(typed, "="),
  add: (typed) => registerCandidates(typed, "="),
};

/**
 * What can come at the last of `words` (the words after the program name, the last one
 * being the word under the cursor, maybe empty), each starting with it; when that word is
 * bash's lone `=` of `--format=`, the whole values, which bash puts after the `=`. An empty answer
 * means "a file name": the completion scripts then let the shell complete files, which
 * it does better (quoting, directories, `~`).
 */
export function completionCandidates(program: CommandSpec, words: readonly string[]): string[] {
  const current = words.at(-1) ?? "";
  let command = program;
  let options = program.options;
  let positionals = 0;
  let valueOf: OptionSpec | undefined;
  // bash splits `--format=an` into `--format`, `=`, `an` (COMP_WORDBREAKS): the word after a `=` continues the one before it.
  let glued = false;
  for (const word of words.slice(0, -1)) {
    if (word === "=") {
      glued = true;
      continue;
    }
    const continues = glued;
    glued = false;
    if (valueOf !== undefined) {
      valueOf = undefined; // the option's value, after a space or a `=`
    } else if (continues) {
      // The rest of a word such as `--set ID_DFR0_EL1=0`: nothing to count.
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
  if (valueOf !== undefined) {
    // bash, cursor just after `--format=`: the word is the `=` itself, and the value is still all to type.
    const typed = current === "=" ? "" : current;
    return valuesOf(valueOf, typed).filter((c) => c.startsWith(typed));
  }
  // bash, cursor after `=` in a word that is no option's (`--set ID_DFR0_EL1=`): a value only the user knows.
  if (glued || current === "=") return [];
  const startingWith = (all: Iterable<string>): string[] => [...all].filter((c) => c.startsWith(current));
  // zsh keeps `--format=an` one word: the candidates are whole words too.
  const assigned = /^(--?[^=]+)=/.exec(current);
  if (assigned !== null) {
    const option = optionNamed(options, assigned[1]!);
    return option?.takesValue ? startingWith(valuesOf(option, current.slice(assigned[0].length)).map((v) => `${assigned[0]}${v}`)) : [];
  }
  if (current.startsWith("-")) return startingWith(options.flatMap(spellings));
  if (command === program && program.commands.size > 0 && positionals === 0) {
    return startingWith([...program.commands.keys(), ...(program.runsAlone ? options.flatMap(spellings) : [])]);
  }
  // A command that takes no file: its options are all there is to type.
  if (command.positionals === 0) return startingWith(options.flatMap(spellings));
  return [];
}

/** What an option's value can be, `typed` being what is typed of it: yargs' choices, else the suggested values; none for a file name. */
function valuesOf(option: OptionSpec, typed: string): readonly string[] {
  return option.choices ?? option.names.flatMap((n) => SUGGESTED_VALUES[n]?.(typed) ?? []);
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
