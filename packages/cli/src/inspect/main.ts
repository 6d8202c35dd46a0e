import type { Argv } from "yargs";
import type { ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printableText, runCli } from "../run-cli.js";
import { summaryCommand } from "./summary.js";
import { sectionsCommand } from "./sections.js";
import { cpregsCommand } from "./cpregs.js";
import { diffCommand } from "./diff.js";
import { explainCommand } from "./explain.js";
import { dumpCommand, DUMP_FORMATS, type DumpFormat } from "./dump.js";
import { extractRamCommand } from "./extract-ram.js";
import { verifyCommand } from "./verify.js";
import { vmdescCommand } from "./vmdesc.js";
import { reportCommand } from "./report.js";
import { xmlCommand } from "./xml.js";

const DESCRIPTION =
  "Explain a QEMU migration stream: what it holds, and why a destination would refuse it. FILE may be '-' to read standard input (a pipe works: no seeking is needed). FILE may also be a virsh save image, its stream raw or compressed (gzip, bzip2, xz, lzop, zstd: read through the program libvirt runs, which must be installed; offsets then count the decompressed image).";

/** The `<file>` most commands read. */
const streamFile = (c: Argv): Argv => c.positional("file", { type: "string", describe: "stream file, or - for stdin" });

/** `vmstate-inspect`: returns the exit code (the bin shim sets it). */
export function main(argv: string[], processIo: CliIo): Promise<ExitCode> {
  const io = printableText(processIo);
  return runCli("vmstate-inspect", argv, io, (y, run) =>
    y
      .usage(`$0 <command> [options]\n\n${DESCRIPTION}`)
      .option("json", { type: "boolean", default: false, describe: "print JSON instead of text" })
      .option("progress", { type: "boolean", default: true, describe: "a progress bar on a terminal for verify and extract-ram (--no-progress: none)" })
      .command(
        "summary <file>",
        "machine type, features, page size, RAM blocks with page counts, every section",
        (c: Argv) => streamFile(c),
        (args) => run(() => summaryCommand(String(args.file), Boolean(args.json), io)),
      )
      .command(
        "sections <file>",
        "every record with its offsets: header, configuration, sections, RAM chunks, footers, commands, EOF, vmdesc",
        (c: Argv) =>
          streamFile(c)
            .option("all", { type: "boolean", default: false, describe: "list every RAM record instead of one line per RAM chunk" }),
        (args) => run(() => sectionsCommand(String(args.file), { json: Boolean(args.json), all: Boolean(args.all) }, io)),
      )
      .command(
        "cpregs <file>",
        "each Arm vCPU's register list: id, name, value (exit 4 when there is no Arm cpu)",
        (c: Argv) => streamFile(c),
        (args) => run(() => cpregsCommand(String(args.file), Boolean(args.json), io)),
      )
      .command(
        "diff <a> <b>",
        "what differs between two streams: machine, RAM blocks, sections, versions, subsections, fields, Arm registers",
        (c: Argv) =>
          c
            .positional("a", { type: "string", describe: "first stream file (- for stdin, one of A and B)" })
            .positional("b", { type: "string", describe: "second stream file (- for stdin, one of A and B)" })
            .option("exit-code", { type: "boolean", default: false, describe: "exit 5 when the streams differ (like git diff --exit-code)" }),
        (args) => run(() => diffCommand(String(args.a), String(args.b), { json: Boolean(args.json), exitCode: Boolean(args.exitCode) }, io)),
      )
      .command(
        "explain <src>",
        "would the destination load SRC? QEMU's error if not, and the vmstate-rewrite command that helps",
        (c: Argv) =>
          c
            .positional("src", { type: "string", describe: "the stream to migrate (file, or - for stdin)" })
            .option("dest", {
              type: "string",
              demandOption: true,
              describe: "a stream saved by the destination QEMU, or a text file of its register ids (one per line, # comments, names allowed); - for stdin (one of SRC and --dest)",
            })
            .option("dest-qemu", {
              type: "string",
              describe: "the destination's QEMU version (e.g. 7.2, 10.0, 11.1): it decides how QEMU checks the register lists and subsections and words its errors; otherwise inferred from the destination's stream where it shows it, and a prediction that depends on it says it cannot tell",
            }),
        (args) =>
          run(() =>
            explainCommand(String(args.src), String(args.dest), { json: Boolean(args.json), ...(args.destQemu === undefined ? {} : { destQemu: String(args.destQemu) }) }, io),
          ),
      )
      .command(
        "dump <file>",
        "every device's fields decoded; --format analyze-migration prints what QEMU's analyze-migration.py -d state prints",
        (c: Argv) =>
          streamFile(c)
            .option("format", { choices: DUMP_FORMATS, describe: "text (default), json (ours; same as --json), or analyze-migration" })
            .option("vmdesc", { type: "boolean", describe: "print only the stream's vmdesc JSON, as the stream has it (analyze-migration.py -d desc)" })
            .conflicts("vmdesc", "format"),
        (args) =>
          run(() =>
            args.vmdesc ? vmdescCommand(String(args.file), io) : dumpCommand(String(args.file), (args.format as DumpFormat | undefined) ?? (args.json ? "json" : "text"), io),
          ),
      )
      .command(
        "extract-ram <file> <dir>",
        "write each RAM block to a sparse file in DIR (PAGE, ZERO, compressed and XBZRLE pages applied; of a mapped-ram file, the pages its bitmaps mark)",
        (c: Argv) =>
          streamFile(c)
            .positional("dir", { type: "string", describe: "output directory (created if missing)" })
            .option("block", { type: "string", describe: "extract only this RAM block (its name as in the stream)" }),
        (args) => run(() => extractRamCommand(String(args.file), String(args.dir), { json: Boolean(args.json), progress: Boolean(args.progress), ...(args.block === undefined ? {} : { block: String(args.block) }) }, io)),
      )
      .command(
        "xml <file>",
        "the domain XML stored in a virsh save image, byte for byte, without libvirt (virsh save-image-dumpxml shows the same domain re-formatted); exit 4 for a bare stream",
        (c: Argv) => c.positional("file", { type: "string", describe: "virsh save image (raw or compressed), or - for stdin" }),
        (args) => run(() => xmlCommand(String(args.file), io)),
      )
      .command(
        "verify <file>",
        "check everything (footers, vmdesc against the data, RAM, trailing bytes); list every problem; exit 1 if any; --json also gives each RAM block's page counts (summary's) and its absent pages",
        (c: Argv) => streamFile(c),
        (args) => run(() => verifyCommand(String(args.file), { json: Boolean(args.json), progress: Boolean(args.progress) }, io)),
      )
      .command(
        "report <src>",
        "one self-contained HTML page: the verdict and fix (with --dest), the sections with their fields, a page map of each RAM block, the Arm registers (beside the destination's), the libvirt header",
        (c: Argv) =>
          c
            .positional("src", { type: "string", describe: "the stream (file, or - for stdin); read once, RAM included" })
            .option("dest", { type: "string", describe: "as for explain: a stream the destination saved, or a list of its register ids (- for stdin); adds the verdict, the fix and the register comparison" })
            .option("dest-qemu", { type: "string", describe: "as for explain: the destination's QEMU version (e.g. 7.2)" })
            .option("output", { alias: "o", type: "string", describe: "write the page to this file (default, or -: standard output, which must not be a terminal)" })
            .example("$0 report vm.mig -o vm.html", "the stream on one page: sections, RAM, registers")
            .example("$0 report new.mig --dest old.mig --dest-qemu 7.2 -o why.html", "why QEMU 7.2 refuses new.mig and the fix, to attach to a ticket"),
        (args) =>
          run(() =>
            reportCommand(String(args.src), {
              ...(args.dest === undefined ? {} : { dest: String(args.dest) }),
              ...(args.destQemu === undefined ? {} : { destQemu: String(args.destQemu) }),
              ...(args.output === undefined ? {} : { output: String(args.output) }),
            }, io),
          ),
      )
      .example("$0 summary vm.mig", "what is in vm.mig (also a virsh save image)")
      .example("$0 summary --json vm.mig | jq .ram", "RAM blocks as JSON")
      .example("$0 explain new.mig --dest old-host.mig", "why the old host refuses new.mig, and the fix"),
  );
}
