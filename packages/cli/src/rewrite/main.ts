import type { Argv } from "yargs";
import { FitTransform, RewritePlanTransform, type RecordTransform, type RewriteReport } from "@vmstate/rewrite";
import { FIXABLE_KINDS } from "@vmstate/destination";
import { parseDestQemu, readDestination } from "../destination-input.js";
import { DEFAULT_MAX_TAIL_BYTES } from "@vmstate/stream";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { isStdin, type CliIo } from "../io.js";
import { NotVerifiedNotice } from "../unverified.js";
import { quietIo } from "../quiet.js";
import { writeWholeOutput } from "../files/whole-output.js";
import { describeError, printableText, runCli } from "../run-cli.js";
import { parseRequest, type RewriteArgs } from "./request.js";
import { reportLines } from "./report-lines.js";
import { runRewrite, type RewriteIoArgs } from "./run-rewrite.js";
import { jsonDocument } from "../json-output.js";

const DESCRIPTION = [
  'Rewrite a QEMU migration stream (the bytes of migrate "exec:cat > FILE", virsh save, or a live migration) from stdin to stdout or between files. RAM streams through in constant memory; only the device state at the end is held, edited and written.',
  "A virsh save image whose stream libvirt compressed (gzip, bzip2, xz, lzop, zstd) is read through the program libvirt runs (PROG -dc) and written back through it (PROG -c; xz -3), header and domain XML byte for byte; --in-place then writes the whole image aside and renames it over the file (mode and owner kept). The program must be installed.",
  "A mapped-ram file (migrate file: with the mapped-ram capability, or libvirt's sparse save format) is mostly holes: with -i/-o or --in-place only its device state is written and the holes stay holes; through a pipe they travel as zeros.",
  "With no change requested it validates the stream and copies it byte for byte. A file as input (-i FILE, or < FILE) is not read through: its device state is found from the end, and only that is decoded and rewritten; its RAM records are copied unread and unchecked (--check-ram reads and checks every record).",
  "--hide removes Arm KVM registers from every vCPU's cpreg list (cpreg_vmstate_indexes/values), fixes cpreg_vmstate_array_len and the vmdesc, so a stream saved on a newer host kernel loads on an older one (which otherwise fails with 'Failed to load cpu:cpreg_vmstate_array_len'). --set replaces the value of a register that is present (e.g. a read-only ID register the destination holds at another value). --add inserts a register the destination expects (kept sorted; an id already present is left alone when it holds that value, and refused otherwise). Register ids: 0x6030000000160003, KVM_REG_ARM_VENDOR_HYP_BMAP_2 or VENDOR_HYP_BMAP_2, ID_DFR0_EL1, S3_0_C0_C1_2, 3:0:0:1:2.",
  "--drop-subsection removes a subsection, named as QEMU names it (cpu/wfxt-timer, which QEMU 11.1 sends and 7.2 refuses; ich9_pm/tco, which q35's ICH9LPC sends inside its pm struct), from every section that carries it: at the section's top level, or nested in a subsection or a struct field at any depth (the report says within which). The vmdesc follows: the subsection's entry goes, and every struct that held it records its size that many bytes smaller. Only a decodable section can be searched (described by the vmdesc, or the Arm cpu section): one whose own subsection it would be is refused when it cannot be decoded, any other is listed as undecoded in a warning and in the report.",
  "--fit DEST makes the stream fit a destination in one step: DEST is a stream that destination saved (or a file of its register ids), --dest-qemu names its QEMU release, and the rewrite is the one `vmstate-inspect explain SRC --dest DEST` proposes (hide, set, add, drop-subsection), worked out once the stream has been read and applied in the same pass. It refuses (exit 4) when the destination would refuse the stream for a reason no rewrite changes (machine type, devices).",
  "Every change is one line on stderr with its risk class: [tolerated] QEMU itself accepts the stream without it (QEMU 11.1 tolerates KVM_REG_ARM_VENDOR_HYP_BMAP_2 missing when it is 0, and TCR2_EL1, PIRE0_EL1, PIR_EL1 missing); [enforced] a read-only register (ID registers, CLIDR, CTR, L2CTLR, ...) whose value the destination imposes anyway; [guest-state] anything else: the guest loses or sees another value (a hidden register holding real state, a set or added writable register, a dropped subsection). --strict refuses (exit 4, no device state written) when any change is guest-state or a requested register or subsection is absent.",
].join("\n\n");

/** `vmstate-rewrite`: returns the exit code (the bin shim sets it). */
export function main(argv: string[], processIo: CliIo): Promise<ExitCode> {
  const io = printableText(processIo);
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
            describe:
              "output file ('-' for stdout); a regular file is written aside, fsynced and renamed (keeping an existing file's mode and owner), so a bad input leaves no partial file; another user's file that cannot be replaced keeping its owner is written into, as cp does (emptied if the rewrite fails); a symbolic link writes its final target, a device or FIFO is written into",
          })
          .option("in-place", {
            type: "boolean",
            default: false,
            describe:
              "rewrite the -i file itself: only the device state at its end is rewritten, after an undo record of it (FILE.vmstate-undo) is synced; the next run rolls back an interrupted one (a compressed libvirt image is written whole, aside, and renamed over it)",
          })
          .option("check-ram", { type: "boolean", default: false, describe: "with a file as input, read and check every RAM record too (by default a file's device state is found from its end)" })
          .option("verbose", { alias: "v", type: "boolean", default: false, describe: "say how the device state was found (from the end, or by reading every record, and why)" })
          .option("force", {
            alias: "f",
            type: "boolean",
            default: false,
            describe: "write the stream to standard output even when it is a terminal, and accept register ids of no known Arm register class (e.g. 0x1, most likely a typo)",
          })
          .option("hide", { type: "string", array: true, default: [], describe: "register id(s) to remove from every vCPU; repeatable, comma lists allowed" })
          .option("hide-from", { type: "string", describe: "file with register ids to hide, one per line ('#' comments); '-' for stdin (then -i FILE)" })
          .option("set", { type: "string", array: true, default: [], describe: "ID=VALUE: replace the value of a register that is present; repeatable, comma lists allowed" })
          .option("add", { type: "string", array: true, default: [], describe: "ID=VALUE: insert a register into every vCPU that lacks it; repeatable, comma lists allowed" })
          .option("drop-subsection", {
            type: "string",
            array: true,
            default: [],
            describe: "DEVICE/NAME (e.g. cpu/wfxt-timer, ich9_pm/tco; DEVICE is the vmsd that sends it): remove that subsection, wherever it is in a section (struct fields included), from every section that carries it; repeatable",
          })
          .option("strict", {
            type: "boolean",
            default: false,
            describe: "refuse (exit 4, write no device state) when a change is guest-state or a requested register or subsection is absent",
          })
          .option("fit", {
            type: "string",
            describe: "DEST: apply what `vmstate-inspect explain SRC --dest DEST` proposes; DEST is a stream the destination saved, or a file of its register ids ('-' for stdin, then -i FILE)",
          })
          .option("dest-qemu", { type: "string", describe: "with --fit: the destination's QEMU version (e.g. 7.2, 10.0, 11.1); otherwise inferred from DEST where it shows it" })
          .option("dry-run", { type: "boolean", default: false, describe: "decode and report what would change; write nothing" })
          .option("report-json", { type: "string", describe: "also write the report (changes with risk classes, absent items, warnings) as JSON to this file ('-' for stdout, with -o FILE, --in-place or --dry-run)" })
          .option("quiet", { alias: "q", type: "boolean", default: false, describe: "nothing on stderr but errors: no report lines, no progress, no notices (a rolled-back --in-place is still said)" })
          .option("progress", { type: "boolean", default: true, describe: "a progress bar on a terminal when the input size is known (-i FILE or < FILE) and every record is read; --no-progress: none" })
          .option("max-tail", { type: "number", default: DEFAULT_MAX_TAIL_BYTES / 1048576, describe: "MiB (a whole number) of device state (after RAM) to buffer while waiting for the stream's vmdesc" })
          .example("$0 --hide 0x6030000000160003 < new.mig > old-compatible.mig", "make a stream from a Linux >= 6.15 host load on an older one")
          .example("$0 -i vm.mig --in-place --hide VENDOR_HYP_BMAP_2 --strict", "fix a saved file, only if the register is 0")
          .example("$0 --drop-subsection cpu/wfxt-timer --add PAR=0 < 11.1.mig > 7.2.mig", "drop a subsection and add a register an older QEMU expects")
          .example("$0 --fit old-host.mig --dest-qemu 7.2 < new.mig > fixed.mig", "make new.mig fit the QEMU 7.2 host that saved old-host.mig")
          .example("$0 --dry-run -i vm.mig --hide-from hidden.txt", "show what would change")
          .example("$0 < saved.mig > copy.mig", "validate and copy a stream"),
      (args) => run(() => rewrite(args as unknown as RewriteArgs & RewriteIoArgs, io)),
    ),
  );
}

async function rewrite(args: RewriteArgs & RewriteIoArgs, io: CliIo): Promise<ExitCode> {
  const request = await parseRequest(args, io);
  const edit = request.changes ? new RewritePlanTransform(request.plan) : undefined;
  const fit = args.fit === undefined ? undefined : await fitTransform(args, io);
  const notice = new NotVerifiedNotice(args.quiet ? quietIo(io) : io, isStdin(args.input) ? "<stdin>" : args.input);
  const transforms: RecordTransform[] = [notice, edit, fit].filter((t) => t !== undefined);
  let completed = false;
  try {
    await runRewrite(args, transforms, io, () => {
      completed = true;
    });
  } finally {
    // The report says what was found even when the rewrite was refused.
    if (edit) await emitReport(edit.report, undefined, args, completed, edit.vmdesc, io);
    if (fit) await emitReport(fit.applied?.report ?? EMPTY_REPORT, fitLine(fit, args), args, completed, fit.applied?.vmdesc, io);
  }
  return EXIT.OK;
}

async function fitTransform(args: RewriteArgs, io: CliIo): Promise<FitTransform> {
  const destQemu = args.destQemu === undefined ? undefined : parseDestQemu(args.destQemu);
  const dest = await readDestination(args.fit!, io);
  return new FitTransform(dest, { srcName: isStdin(args.input) ? "SRC" : args.input, strict: args.strict, ...(destQemu ? { destQemu } : {}) });
}

const EMPTY_REPORT: RewriteReport = { changes: [], absent: [], unchanged: [], warnings: [], cpus: [], undecoded: [] };

/** What --fit found, before its changes: the destination and its verdict on the stream as it came. */
function fitLine(fit: FitTransform, args: RewriteArgs): string | undefined {
  const e = fit.explanation;
  if (e === undefined) return undefined;
  const verdict = { loads: "would load it as it is", refuses: "would refuse it as it is", "cannot-tell": "may or may not load it as it is" }[e.verdict];
  // What no rewrite settles (e.g. a register list's unknown values) leaves the result open too.
  const open = [...new Set(e.problems.filter((p) => p.severity === "possible" && !FIXABLE_KINDS.has(p.kind)).map((p) => p.kind))];
  const after = e.fix && open.length > 0 ? `; whether it loads after that cannot be told (${open.join(", ")}: vmstate-inspect explain says why)` : "";
  return `fit ${isStdin(args.fit!) ? "<stdin>" : args.fit} (${e.destination_release}): the destination ${verdict}${e.fix ? "; applying the rewrite explain proposes" : ""}${after}`;
}

async function emitReport(report: RewriteReport, first: string | undefined, args: RewriteArgs, completed: boolean, vmdesc: boolean | undefined, io: CliIo): Promise<void> {
  const lines = [...(first === undefined ? [] : [first]), ...reportLines(report, args.dryRun, completed, vmdesc)];
  if (!args.quiet) for (const line of lines) io.stderr(`vmstate-rewrite: ${line}\n`);
  if (!args.reportJson) return;
  try {
    const json = jsonDocument("rewrite-report", report);
    // `-`: standard output, which then carries no stream (parseRequest sees to that).
    if (isStdin(args.reportJson)) io.print(json);
    else await writeWholeOutput(args.reportJson, io, json);
  } catch (e) {
    // After a failed rewrite its own error matters more: say this one and let that one through.
    if (completed) throw e;
    io.stderr(`vmstate-rewrite: --report-json not written: ${describeError(e)}\n`);
  }
}

