import type { Argv } from "yargs";
import type { ByteSink } from "@vmstate/wire";
import { HideSetTransform, rewriteStream, type RecordTransform } from "@vmstate/rewrite";
import { DEFAULT_MAX_TAIL_BYTES } from "@vmstate/stream";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { openInput, type CliIo, type OpenedInput } from "../io.js";
import { AtomicOutput } from "../atomic-output.js";
import { Progress } from "../progress.js";
import { runCli } from "../run-cli.js";
import { parseRequest, type RewriteArgs } from "./request.js";
import { reportLines } from "./report-lines.js";
import { jsonDocument } from "../json-output.js";

const DESCRIPTION = [
  'Rewrite a QEMU migration stream (the bytes of migrate "exec:cat > FILE", virsh save, or a live migration) from stdin to stdout or between files. RAM streams through in constant memory; only the device state at the end is held, edited and written.',
  "With no change requested it validates every record and copies the stream byte for byte.",
  "--hide removes Arm KVM registers from every vCPU's cpreg list (cpreg_vmstate_indexes/values), fixes cpreg_vmstate_array_len and the vmdesc, so a stream saved on a newer host kernel loads on an older one (which otherwise fails with 'Failed to load cpu:cpreg_vmstate_array_len'). --set replaces the value of a register that is present (e.g. a read-only ID register the destination holds at another value). Register ids: 0x6030000000160003, KVM_REG_ARM_VENDOR_HYP_BMAP_2 or VENDOR_HYP_BMAP_2, ID_DFR0_EL1, S3_0_C0_C1_2, 3:0:0:1:2. One line per change goes to stderr.",
].join("\n\n");

/** `vmstate-rewrite`: returns the exit code (the bin shim sets it). */
export function main(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCli("vmstate-rewrite", argv, io, (y, run) =>
    y.usage(`$0 [options] < IN > OUT\n\n${DESCRIPTION}`).command(
      "$0",
      false,
      (c: Argv) =>
        c
          .option("input", { alias: "i", type: "string", default: "-", describe: "input stream file ('-' for stdin)" })
          .option("output", {
            alias: "o",
            type: "string",
            default: "-",
            describe: "output file ('-' for stdout); written aside, fsynced and renamed, so a bad input leaves no partial file",
          })
          .option("in-place", { type: "boolean", default: false, describe: "rewrite the -i file itself (write aside, fsync, rename; the original is untouched on any error)" })
          .option("hide", { type: "string", array: true, default: [], describe: "register id(s) to remove from every vCPU; repeatable, comma lists allowed" })
          .option("hide-from", { type: "string", describe: "file with register ids to hide, one per line ('#' comments)" })
          .option("set", { type: "string", array: true, default: [], describe: "ID=VALUE: replace the value of a register that is present; repeatable" })
          .option("strict", { type: "boolean", default: false, describe: "refuse (exit 4, write no device state) when a hidden register is non-zero or a requested id is absent" })
          .option("force", { type: "boolean", default: false, describe: "accept register ids of no known Arm register class (e.g. 0x1, most likely a typo)" })
          .option("dry-run", { type: "boolean", default: false, describe: "decode and report what would change; write nothing" })
          .option("report-json", { type: "string", describe: "also write the report (changes, absent ids, warnings) as JSON to this file" })
          .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no report lines and no progress on stderr (errors still go there)" })
          .option("progress", { type: "boolean", default: true, describe: "a progress bar on a terminal when the input size is known (-i FILE or < FILE); --no-progress: none" })
          .option("max-tail", { type: "number", default: DEFAULT_MAX_TAIL_BYTES / 1048576, describe: "MiB of device state (after RAM) to buffer while waiting for the stream's vmdesc" })
          .example("$0 --hide 0x6030000000160003 < new.mig > old-compatible.mig", "make a stream from a Linux >= 6.16 host load on an older one")
          .example("$0 -i vm.mig --in-place --hide VENDOR_HYP_BMAP_2 --strict", "fix a saved file, only if the register is 0")
          .example("$0 --dry-run -i vm.mig --hide-from hidden.txt", "show what would change")
          .example("$0 < saved.mig > copy.mig", "validate and copy a stream"),
      (args) => run(() => rewrite(args as unknown as RewriteArgs, io)),
    ),
  );
}

async function rewrite(args: RewriteArgs, io: CliIo): Promise<ExitCode> {
  const request = parseRequest(args, io);
  const hideSet = request.changes ? new HideSetTransform(request.hideSet) : undefined;
  const transforms: RecordTransform[] = hideSet ? [hideSet] : [];
  const target = args.inPlace ? args.input : args.output;
  let input: OpenedInput | undefined;
  let out: AtomicOutput | undefined;
  let completed = false;
  try {
    input = openInput(args.input, io);
    out = args.dryRun || target === "-" ? undefined : new AtomicOutput(target, io);
    const sink: ByteSink = args.dryRun ? DISCARD : (out?.sink ?? io.stdout);
    const progress = new Progress(io, input.size, "vmstate-rewrite", args.progress && !args.quiet);
    try {
      await rewriteStream(input.bytes, sink, {
        transforms,
        decode: { maxTailBytes: args.maxTail * 1048576 },
        onProgress: (o) => progress.update(o),
      });
      completed = true;
    } finally {
      progress.done();
      // The report says what was found even when the rewrite was refused.
      if (hideSet) emitReport(hideSet, args, completed, io);
    }
    if (out) await out.commit();
    return EXIT.OK;
  } finally {
    out?.abandon();
    input?.close();
  }
}

function emitReport(hideSet: HideSetTransform, args: RewriteArgs, completed: boolean, io: CliIo): void {
  if (!args.quiet) for (const line of reportLines(hideSet.report, args.dryRun, completed)) io.stderr(`vmstate-rewrite: ${line}\n`);
  if (!args.reportJson) return;
  try {
    io.fs.writeFileSync(args.reportJson, jsonDocument("rewrite-report", hideSet.report));
  } catch (e) {
    // After a failed rewrite its own error matters more: say this one and let that one through.
    if (completed) throw e;
    io.stderr(`vmstate-rewrite: could not write --report-json ${args.reportJson}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
  }
}

/** --dry-run writes nowhere. */
const DISCARD: ByteSink = { write: () => {}, end: async () => {} };

