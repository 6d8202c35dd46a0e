import { ArmError, checkCpregRequest, parseRegisterList, parseRegisterListText, parseSetList } from "@vmstate/arm";
import type { HideSetRequest } from "@vmstate/rewrite";
import type { CliIo } from "../io.js";
import { UsageError } from "../run-cli.js";

/** The parsed command line of vmstate-rewrite (yargs camel-cases the option names). */
export interface RewriteArgs {
  input: string;
  output: string;
  inPlace: boolean;
  hide: string[];
  hideFrom?: string;
  set: string[];
  strict: boolean;
  dryRun: boolean;
  reportJson?: string;
  quiet: boolean;
  maxTail: number;
}

/**
 * Turns the arguments into a request and checks the combinations yargs cannot:
 * register syntax (with suggestions), --in-place needs a file, an id both hidden and set.
 */
export function parseRequest(args: RewriteArgs, io: CliIo): { changes: boolean; hideSet: HideSetRequest } {
  if (!(args.maxTail > 0)) throw new UsageError("--max-tail must be a positive number of MiB");
  if (args.inPlace && args.input === "-") throw new UsageError("--in-place needs an input file (-i FILE)");
  if (args.inPlace && args.output !== "-") throw new UsageError("--in-place and -o exclude each other");
  try {
    const hide = parseRegisterList(args.hide);
    if (args.hideFrom !== undefined) {
      for (const id of parseRegisterListText(io.fs.readFileSync(args.hideFrom, "utf8"))) if (!hide.includes(id)) hide.push(id);
    }
    const set = parseSetList(args.set);
    checkCpregRequest(new Set(hide), set);
    const changes = hide.length > 0 || set.size > 0;
    if (args.strict && !changes) throw new UsageError("--strict applies to --hide/--set, and none was given");
    return { changes, hideSet: { hide, set, strict: args.strict } };
  } catch (e) {
    if (e instanceof ArmError) throw new UsageError(e.message);
    throw e;
  }
}
