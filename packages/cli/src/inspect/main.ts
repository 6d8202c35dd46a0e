import type { Argv } from "yargs";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { printableText, runCli } from "../run-cli.js";
import type { JsonDocumentName } from "../json-output.js";
import { quietIo } from "../quiet.js";
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
  "Explain a QEMU migration stream: what it holds, and why a destination would refuse it. FILE may be '-' to read standard input (a pipe works: no seeking is needed). FILE may also be a virsh save image, its stream raw or compressed (gzip, bzip2, xz, lzop, zstd: read through the program libvirt runs, which must be installed; offsets then count the decompressed image). Options follow the command name, whose options they are (vmstate-inspect summary --json FILE); one before it is a usage error.";

/** All that may come before the command name. */
const BEFORE_COMMAND = new Set(["--help", "-h", "--version", "--get-completions"]);

/**
 * An option before the command name (`vmstate-inspect --json summary F`): each option belongs
 * to the commands that define it, so yargs would meet it at the top, where it is unknown,
 * and take the command name for its value. Said plainly instead.
 */
function optionBeforeCommand(argv: readonly string[]): string | undefined {
  const first = argv[0];
  return first !== undefined && first.startsWith("-") && first !== "-" && !BEFORE_COMMAND.has(first) ? first : undefined;
}

/** The `<file>` most commands read. */
const streamFile = (c: Argv): Argv => c.positional("file", { type: "string", describe: "stream file, or - for stdin" });

/**
 * `--json`, offered only by a command whose document has a schema in schemas/ (the name
 * given). Like every option it follows the command name (yargs reads an option only
 * once the command that defines it is known).
 */
const jsonOption = (name: JsonDocumentName) => (c: Argv): Argv =>
  c.option("json", { type: "boolean", default: false, describe: `print JSON instead of text (its shape: schemas/${name}.schema.json in the repository)` });

/** `-q`, the same for every command that reads a stream: stderr is left to errors. */
const quietOption = (c: Argv): Argv =>
  c.option("quiet", { alias: "q", type: "boolean", default: false, describe: "nothing on stderr but errors: no progress, notices or warnings (the output itself is unchanged)" });

/** `--progress`, for the commands that read a whole stream and can tell how far they are. */
const progressOption = (c: Argv): Argv =>
  c.option("progress", { type: "boolean", default: true, describe: "a progress bar when stderr is a terminal and the input's size is known (--no-progress: none)" });

/** What every stream-reading command adds to its positionals: --json when schemas/ describes its output, and -q. */
const reading = (c: Argv, json?: JsonDocumentName): Argv => quietOption(json === undefined ? c : jsonOption(json)(c));

/** `vmstate-inspect`: returns the exit code (the bin shim sets it). */
export function main(argv: string[], processIo: CliIo): Promise<ExitCode> {
  const io = printableText(processIo);
  const misplaced = optionBeforeCommand(argv);
  if (misplaced !== undefined) {
    io.stderr(`vmstate-inspect: ${misplaced} comes before the command name: options follow it (e.g. vmstate-inspect summary --json vm.mig)\nTry 'vmstate-inspect --help'.\n`);
    return Promise.resolve(EXIT.USAGE);
  }
  const quiet = quietIo(io);
  /** The io a command writes through: with -q, one whose stderr says nothing (errors are thrown, and runCli prints them). */
  const quieted = (args: { [name: string]: unknown }): CliIo => (args.quiet ? quiet : io);
  return runCli("vmstate-inspect", argv, io, (y, run) =>
    y
      .usage(`$0 <command> [options]\n\n${DESCRIPTION}`)
      .command(
        "summary <file>",
        "machine type, features, page size, RAM blocks with page counts, every section",
        (c: Argv) => reading(streamFile(c), "summary"),
        (args) => run(() => summaryCommand(String(args.file), Boolean(args.json), quieted(args))),
      )
      .command(
        "sections <file>",
        "every record with its offsets: header, configuration, sections, RAM chunks, footers, commands, EOF, vmdesc",
        (c: Argv) =>
          reading(streamFile(c), "sections")
            .option("all", { type: "boolean", default: false, describe: "list every RAM record instead of one line per RAM chunk" }),
        (args) => run(() => sectionsCommand(String(args.file), { json: Boolean(args.json), all: Boolean(args.all) }, quieted(args))),
      )
      .command(
        "cpregs <file>",
        "each Arm vCPU's register list: id, name, value (exit 4 when there is no Arm cpu)",
        (c: Argv) => reading(streamFile(c), "cpregs"),
        (args) => run(() => cpregsCommand(String(args.file), Boolean(args.json), quieted(args))),
      )
      .command(
        "diff <a> <b>",
        "what differs between two streams: machine, RAM blocks, sections, versions, subsections, fields, Arm registers",
        (c: Argv) =>
          reading(
            c
              .positional("a", { type: "string", describe: "first stream file (- for stdin, one of A and B)" })
              .positional("b", { type: "string", describe: "second stream file (- for stdin, one of A and B)" }),
            "diff",
          )
            .option("exit-code", { type: "boolean", default: false, describe: "exit 5 when the streams differ (like git diff --exit-code)" }),
        (args) => run(() => diffCommand(String(args.a), String(args.b), { json: Boolean(args.json), exitCode: Boolean(args.exitCode) }, quieted(args))),
      )
      .command(
        "explain <src>",
        "would the destination load SRC? QEMU's error if not, and the vmstate-rewrite command that helps",
        (c: Argv) =>
          reading(c.positional("src", { type: "string", describe: "the stream to migrate (file, or - for stdin)" }), "explain")
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
            explainCommand(String(args.src), String(args.dest), { json: Boolean(args.json), ...(args.destQemu === undefined ? {} : { destQemu: String(args.destQemu) }) }, quieted(args)),
          ),
      )
      .command(
        "dump <file>",
        "every device's fields decoded; --format analyze-migration prints what QEMU's analyze-migration.py -d state prints",
        (c: Argv) =>
          reading(streamFile(c), "dump")
            .option("format", { choices: DUMP_FORMATS, describe: "text (default), json (ours; same as --json), or analyze-migration" })
            .option("vmdesc", { type: "boolean", describe: "print only the stream's vmdesc JSON, as the stream has it (analyze-migration.py -d desc)" })
            .conflicts("vmdesc", "format"),
        (args) =>
          run(() =>
            args.vmdesc ? vmdescCommand(String(args.file), quieted(args)) : dumpCommand(String(args.file), (args.format as DumpFormat | undefined) ?? (args.json ? "json" : "text"), quieted(args)),
          ),
      )
      .command(
        "extract-ram <file> <dir>",
        "write each RAM block to a sparse file in DIR (PAGE, ZERO, compressed and XBZRLE pages applied; of a mapped-ram file, the pages its bitmaps mark)",
        (c: Argv) =>
          progressOption(reading(streamFile(c).positional("dir", { type: "string", describe: "output directory (created if missing)" }), "extract-ram"))
            .option("block", { type: "string", describe: "extract only this RAM block (its name as in the stream)" }),
        (args) => run(() => extractRamCommand(String(args.file), String(args.dir), { json: Boolean(args.json), progress: Boolean(args.progress), ...(args.block === undefined ? {} : { block: String(args.block) }) }, quieted(args))),
      )
      .command(
        "xml <file>",
        "the domain XML stored in a virsh save image, byte for byte, without libvirt (virsh save-image-dumpxml shows the same domain re-formatted); exit 4 for a bare stream",
        (c: Argv) => jsonOption("xml")(c.positional("file", { type: "string", describe: "virsh save image (raw or compressed), or - for stdin" })),
        (args) => run(() => xmlCommand(String(args.file), Boolean(args.json), io)),
      )
      .command(
        "verify <file>",
        "check everything (footers, vmdesc against the data, RAM, trailing bytes); list every problem; exit 1 if any; --json also gives each RAM block's page counts (summary's) and its absent pages",
        (c: Argv) => progressOption(reading(streamFile(c), "verify")),
        (args) => run(() => verifyCommand(String(args.file), { json: Boolean(args.json), progress: Boolean(args.progress) }, quieted(args))),
      )
      .command(
        "report <src>",
        "one self-contained HTML page: the verdict and fix (with --dest), the sections with their fields, a page map of each RAM block, the Arm registers (beside the destination's), the libvirt header",
        (c: Argv) =>
          reading(c.positional("src", { type: "string", describe: "the stream (file, or - for stdin); read once, RAM included" }))
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
            }, quieted(args)),
          ),
      )
      .example("$0 summary vm.mig", "what is in vm.mig (also a virsh save image)")
      .example("$0 summary --json vm.mig | jq .ram", "RAM blocks as JSON")
      .example("$0 explain new.mig --dest old-host.mig", "why the old host refuses new.mig, and the fix"),
  );
}
