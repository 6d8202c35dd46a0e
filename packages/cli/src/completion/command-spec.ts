import type { Argv, Options } from "yargs";

/** An option as completion needs it: its spellings, and whether (and what) it takes as a value. */
export interface OptionSpec {
  /** Every spelling without dashes: the key and its aliases (`input`, `i`). */
  names: string[];
  takesValue: boolean;
  /** A flag on by default, so `--no-NAME` is how it is used (yargs' boolean negation). */
  negatable?: boolean;
  /** Values yargs would accept (its `choices`), when they are a closed set. */
  choices?: readonly string[];
}

/** A command (or the program itself): its options, positionals and subcommands. */
export interface CommandSpec {
  options: OptionSpec[];
  /** How many positional arguments it takes (`<file>`, `[dir]`): all of them are files or directories. */
  positionals: number;
  commands: Map<string, CommandSpec>;
  /** Whether it runs without a command name (a yargs `$0` command): then its options come first too. */
  runsAlone?: boolean;
}

/**
 * Learns a CLI's commands and options by running its yargs definition against a recorder
 * instead of yargs: completion then offers exactly what the parser accepts, from the same
 * calls. Why not yargs' own `.completion()`: under `.strict()` and `exitProcess(false)` it
 * answers nothing inside a subcommand (its builder re-parse drops the output), it never sees
 * the options of a default command (all of vmstate-rewrite's), and its script picks bash or
 * zsh from $SHELL when printed rather than from the shell that sources it.
 */
export function recordCommand(define: (y: Argv) => unknown): CommandSpec {
  const spec: CommandSpec = { options: [], positionals: 0, commands: new Map() };
  const recorder: Argv = new Proxy({} as Argv, {
    get(_target, method) {
      return (...args: unknown[]) => {
        record(spec, String(method), args);
        return recorder;
      };
    },
  });
  define(recorder);
  return spec;
}

function record(spec: CommandSpec, method: string, args: unknown[]): void {
  switch (method) {
    case "option":
    case "options":
      addOption(spec, String(args[0]), (args[1] ?? {}) as Options);
      break;
    case "help":
    case "version":
      // Flags yargs adds itself.
      spec.options.push({ names: [method], takesValue: false });
      break;
    case "alias": {
      // yargs treats alias(a, b) as symmetric: either may be the option already defined.
      const [a, b] = [String(args[0]), String(args[1])];
      const known = findOption(spec, a) ?? findOption(spec, b);
      known?.names.push(known.names.includes(a) ? b : a);
      break;
    }
    case "command":
      addCommand(spec, String(args[0]), args[2]);
      break;
    // usage, example, conflicts, positional (counted from the command string), strict, …: nothing to complete.
  }
}

function addOption(spec: CommandSpec, key: string, o: Options): void {
  const aliases = o.alias === undefined ? [] : ([] as string[]).concat(o.alias);
  const takesValue = o.type !== "boolean" && o.type !== "count" && !o.boolean;
  const negatable = !takesValue && o.default === true;
  spec.options.push({ names: [key, ...aliases], takesValue, ...(negatable ? { negatable } : {}), ...(o.choices ? { choices: o.choices.map(String) } : {}) });
}

function addCommand(spec: CommandSpec, usage: string, builder: unknown): void {
  const [name = "", ...rest] = usage.split(/\s+/);
  const sub = typeof builder === "function" ? recordCommand(builder as (y: Argv) => unknown) : { options: [], positionals: 0, commands: new Map() };
  sub.positionals = rest.filter((w) => /^[<[]/.test(w)).length;
  if (name === "$0") {
    // The default command: its options and positionals are the program's own.
    spec.options.push(...sub.options);
    spec.positionals += sub.positionals;
    spec.runsAlone = true;
  } else {
    spec.commands.set(name, sub);
  }
}

function findOption(spec: CommandSpec, name: string): OptionSpec | undefined {
  return spec.options.find((o) => o.names.includes(name));
}
