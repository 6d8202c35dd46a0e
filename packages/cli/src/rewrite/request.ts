import { ArmError, checkCpregRequest, decodeRegId, formatRegId, parseRegisterList, parseRegisterListText, parseSetList, registerName } from "@vmstate/arm";
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
  progress: boolean;
  force: boolean;
  maxTail: number;
}

/**
 * Turns the arguments into a request and checks the combinations yargs cannot:
 * register syntax (with suggestions), ids of no known register class (a typo such as
 * `--hide 0x1` would otherwise be accepted and found absent) unless --force, --in-place needs
 * a file, an id both hidden and set.
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
    if (!args.force) refuseUnknownClasses([...hide, ...set.keys()]);
    const changes = hide.length > 0 || set.size > 0;
    if (args.strict && !changes) throw new UsageError("--strict applies to --hide/--set, and none was given");
    return { changes, hideSet: { hide, set, strict: args.strict } };
  } catch (e) {
    if (e instanceof ArmError) throw new UsageError(e.message);
    throw e;
  }
}

/** Refuses ids that decode to no known Arm register class (KVM or QEMU TCG layouts). */
function refuseUnknownClasses(ids: readonly bigint[]): void {
  const unknown = ids.find((id) => decodeRegId(id).group === "other");
  if (unknown === undefined) return;
  throw new UsageError(
    `${formatRegId(unknown)} is no known Arm register (it decodes only as ${registerName(unknown)}); check the id, or give --force to use it anyway`,
  );
}
