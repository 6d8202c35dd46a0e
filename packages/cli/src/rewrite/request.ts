import { ArmError, parseRegisterList, parseRegisterListText, parseSetList } from "@vmstate/arm";
import { checkRewritePlan, type RewritePlan } from "@vmstate/rewrite";
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
  add: string[];
  dropSubsection: string[];
  strict: boolean;
  /** `--fit DEST`: the destination to make the stream fit (a stream it saved, or its register ids). */
  fit?: string;
  /** `--dest-qemu`: the destination's QEMU release, with --fit. */
  destQemu?: string;
  dryRun: boolean;
  reportJson?: string;
  quiet: boolean;
  maxTail: number;
}

/**
 * Turns the arguments into a plan and checks the combinations yargs cannot: register
 * syntax (with suggestions), --in-place needs a file, an id in more than one of
 * --hide/--set/--add, subsection names.
 */
export function parseRequest(args: RewriteArgs, io: CliIo): { changes: boolean; plan: RewritePlan } {
  if (!(args.maxTail > 0)) throw new UsageError("--max-tail must be a positive number of MiB");
  if (args.inPlace && args.input === "-") throw new UsageError("--in-place needs an input file (-i FILE)");
  if (args.inPlace && args.output !== "-") throw new UsageError("--in-place and -o exclude each other");
  try {
    const hide = parseRegisterList(args.hide);
    if (args.hideFrom !== undefined) {
      for (const id of parseRegisterListText(io.fs.readFileSync(args.hideFrom, "utf8"))) if (!hide.includes(id)) hide.push(id);
    }
    const dropSubsections = [...new Set(args.dropSubsection.flatMap((a) => a.split(",")).map((s) => s.trim()).filter((s) => s !== ""))];
    const plan: RewritePlan = { hide, set: parseSetList(args.set), add: parseSetList(args.add), dropSubsections, strict: args.strict };
    checkRewritePlan(plan);
    const changes = hide.length > 0 || plan.set!.size > 0 || plan.add!.size > 0 || dropSubsections.length > 0;
    if (args.fit !== undefined && changes) throw new UsageError("--fit makes its own changes: give it without --hide/--set/--add/--drop-subsection");
    if (args.destQemu !== undefined && args.fit === undefined) throw new UsageError("--dest-qemu goes with --fit");
    if (args.strict && !changes && args.fit === undefined) throw new UsageError("--strict applies to --hide/--set/--add/--drop-subsection/--fit, and none was given");
    return { changes, plan };
  } catch (e) {
    if (e instanceof ArmError || e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
}
