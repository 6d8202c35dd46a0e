import { ArmError, decodeRegId, formatRegId, parseRegisterList, parseRegisterListText, parseSetList, registerName } from "@vmstate/arm";
import { checkRewritePlan, type RewritePlan } from "@vmstate/rewrite";
import { isStdin, type CliIo } from "../io.js";
import { oneStdinReader, oneStdoutWriter } from "../stdio-args.js";
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
  progress: boolean;
  force: boolean;
  maxTail: number;
}

/**
 * Turns the arguments into a plan and checks the combinations yargs cannot: register
 * syntax (with suggestions), ids of no known register class (a typo such as `--hide 0x1`
 * would otherwise be accepted and found absent) unless --force, --in-place needs a file, an
 * id in more than one of --hide/--set/--add, subsection names, --fit alone.
 */
export async function parseRequest(args: RewriteArgs, io: CliIo): Promise<{ changes: boolean; plan: RewritePlan }> {
  // Whole MiB: the limit is counted in bytes, and a fraction would only be rounded behind the user's back.
  if (!(Number.isSafeInteger(args.maxTail * 1048576) && Number.isInteger(args.maxTail) && args.maxTail > 0)) {
    throw new UsageError(`--max-tail takes a whole number of MiB, 1 or more (got ${args.maxTail})`);
  }
  if (args.inPlace && isStdin(args.input)) throw new UsageError("--in-place needs an input file (-i FILE)");
  if (args.inPlace && !isStdin(args.output)) throw new UsageError("--in-place and -o exclude each other");
  oneStdinReader(["-i", args.input], ["--fit", args.fit], ["--hide-from", args.hideFrom]);
  // The rewritten stream goes to standard output unless --in-place or --dry-run.
  oneStdoutWriter(["-o", args.inPlace || args.dryRun ? undefined : args.output], ["--report-json", args.reportJson]);
  try {
    const hide = parseRegisterList(args.hide);
    if (args.hideFrom !== undefined) {
      for (const id of parseRegisterListText(await readText(args.hideFrom, io))) if (!hide.includes(id)) hide.push(id);
    }
    const dropSubsections = [...new Set(args.dropSubsection.flatMap((a) => a.split(",")).map((s) => s.trim()).filter((s) => s !== ""))];
    const plan: RewritePlan = { hide, set: parseSetList(args.set), add: parseSetList(args.add), dropSubsections, strict: args.strict };
    checkRewritePlan(plan);
    if (!args.force) refuseUnknownClasses([...hide, ...plan.set!.keys(), ...plan.add!.keys()]);
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

/** A text file's contents, or standard input's for `-`. */
async function readText(path: string, io: CliIo): Promise<string> {
  if (!isStdin(path)) return io.fs.readFileSync(path, "utf8");
  const chunks: Uint8Array[] = [];
  for await (const chunk of io.stdin()) chunks.push(chunk.slice());
  return Buffer.concat(chunks).toString("utf8");
}

/** Refuses ids that decode to no known Arm register class (KVM or QEMU TCG layouts). */
function refuseUnknownClasses(ids: readonly bigint[]): void {
  const unknown = ids.find((id) => decodeRegId(id).group === "other");
  if (unknown === undefined) return;
  throw new UsageError(
    `${formatRegId(unknown)} is no known Arm register (it decodes only as ${registerName(unknown)}); check the id, or give --force to use it anyway`,
  );
}
