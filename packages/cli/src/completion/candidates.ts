import { KNOWN_CPU_SUBSECTIONS, KNOWN_RELEASES } from "@vmstate/destination";
import type { CommandSpec, OptionSpec } from "./command-spec.js";
import { registerCandidates } from "./register-values.js";

export { recordCommand } from "./command-spec.js";

/**
 * Values to offer for options whose accepted set is open, from what is typed of the value:
 * the releases whose behaviour vmstate knows (any `MAJOR.MINOR` is taken), the registers
 * the Arm tables name, and the cpu subsections of the releases vmstate knows.
 */
const SUGGESTED_VALUES: Readonly<Record<string, (typed: string) => readonly string[]>> = {
  "dest-qemu": () => KNOWN_RELEASES,
  hide: (typed) => registerCandidates(typed, ""),
  set: (typed) => registerCandidates(typed, "="),
  add: (typed) => registerCandidates(typed, "="),
  "drop-subsection": () => KNOWN_CPU_SUBSECTIONS,
};

/**
 * What to offer: `candidates`, and when there are none, whether the word is a file name
 * (the shell then completes files, which it does better: quoting, directories, `~`) or a
 * value only the user knows (`--set ID_DFR0_EL1=`, `--dest-qemu 9`), where it offers nothing.
 */
export interface Completion {
  candidates: string[];
  fileName: boolean;
}
/** `--get-completions`' exit status for "no candidates, and not a file name" (0 with no candidates: a file name). */
export const NOTHING_TO_OFFER = 1;
const FILE_NAME: Completion = { candidates: [], fileName: true };
const offer = (candidates: string[]): Completion => ({ candidates, fileName: false });

/**
 * What can come at the last of `words` (the words after the program name, the last one
 * being the word under the cursor, maybe empty), each starting with it; when that word is
 * bash's lone `=` of `--format=`, the whole values, which bash puts after the `=`.
 */
export function completionCandidates(program: CommandSpec, words: readonly string[]): Completion {
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
    return valuesOf(valueOf, typed, "");
  }
  // bash, cursor after `=` in a word that is no option's (`--set ID_DFR0_EL1=`): a value only the user knows.
  if (glued || current === "=") return offer([]);
  const startingWith = (all: Iterable<string>): Completion => offer([...all].filter((c) => c.startsWith(current)));
  // zsh keeps `--format=an` one word: the candidates are whole words too.
  const assigned = /^(--?[^=]+)=/.exec(current);
  if (assigned !== null) {
    const option = optionNamed(options, assigned[1]!);
    return option?.takesValue ? valuesOf(option, current.slice(assigned[0].length), assigned[0]) : offer([]);
  }
  if (current.startsWith("-")) return startingWith(options.flatMap(spellings));
  if (command === program && program.commands.size > 0 && positionals === 0) {
    return startingWith([...program.commands.keys(), ...(program.runsAlone ? options.flatMap(spellings) : [])]);
  }
  // A command that takes no file: its options are all there is to type.
  if (command.positionals === 0) return startingWith(options.flatMap(spellings));
  return FILE_NAME;
}

/**
 * What an option's value can be, `typed` being what is typed of it, each after `prefix`:
 * yargs' choices, else the suggested values; a file name when the option has neither.
 */
function valuesOf(option: OptionSpec, typed: string, prefix: string): Completion {
  const suggest = option.names.map((n) => SUGGESTED_VALUES[n]).find((f) => f !== undefined);
  const all = option.choices ?? suggest?.(typed);
  if (all === undefined) return FILE_NAME;
  return offer(all.filter((v) => v.startsWith(typed)).map((v) => `${prefix}${v}`));
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
