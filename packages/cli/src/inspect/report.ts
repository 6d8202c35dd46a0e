import { notVerifiedLine } from "../unverified.js";
import { explainLoad, type Destination } from "@vmstate/destination";
import { VERDICT_EXIT, EXIT, type ExitCode } from "../exit-codes.js";
import { isStdin, type CliIo } from "../io.js";
import { oneStdinReader } from "../stdio-args.js";
import { openStreamInput, withImageOffsets } from "../stream-input.js";
import { UsageError } from "../run-cli.js";
import { parseDestQemu, readDestination } from "../destination-input.js";
import { writeWholeOutput } from "../files/whole-output.js";
import { VERSION } from "../version.js";
import { readForReport } from "../report/report-pass.js";
import { buildReportModel } from "../report/report-model.js";
import { renderReport } from "../report/render-html.js";
import { throwFailures } from "./state-input.js";

export interface ReportOptions {
  dest?: string;
  destQemu?: string;
  /** Where the HTML goes; standard output when undefined. */
  output?: string;
}

/**
 * `report SRC [--dest DEST [--dest-qemu V]] [-o FILE]`: one self-contained HTML page of the
 * stream (and, with a destination, `explain`'s prediction and fix), made in one pass over
 * SRC. Exits like `explain` with a destination (0 loads, 6 refuses, 7 cannot tell) and 0
 * without; a damaged input still gets its page, of what decoded, and then exit 1.
 */
export async function reportCommand(src: string, options: ReportOptions, io: CliIo): Promise<ExitCode> {
  oneStdinReader(["SRC", src], ["--dest", options.dest]);
  // `-o -` is standard output, as leaving -o out is.
  const output = options.output === undefined || isStdin(options.output) ? undefined : options.output;
  if (options.destQemu !== undefined && options.dest === undefined) throw new UsageError("--dest-qemu needs --dest");
  if (output === undefined && io.stdoutIsTTY) throw new UsageError("the report is an HTML page: give -o report.html, or redirect standard output to a file");
  const destQemu = options.destQemu === undefined ? undefined : parseDestQemu(options.destQemu);
  const destination: Destination | undefined = options.dest === undefined ? undefined : await readDestination(options.dest, io);
  const input = await openStreamInput(src, io);
  let pass;
  try {
    pass = await readForReport(input.bytes, input.name);
    pass.state.failure = withImageOffsets(input, pass.state.failure);
    if (pass.state.unverified !== undefined) io.stderr(notVerifiedLine("vmstate-inspect", pass.state.name, pass.state.unverified));
  } finally {
    input.close();
  }
  const explanation = destination === undefined ? null : explainLoad(pass.state, destination, { srcPath: src, destQemu });
  const compressed = input.compressed === undefined ? undefined : { fileSize: input.compressed.fileSize };
  const html = renderReport(buildReportModel({ pass, destination, explanation, compressed, generator: `vmstate-inspect report ${VERSION}` }));
  if (output === undefined) io.print(html);
  else await writeWholeOutput(output, io, html);
  throwFailures(destination?.kind === "stream" ? [pass.state, destination.state] : [pass.state]);
  return explanation === null ? EXIT.OK : VERDICT_EXIT[explanation.verdict];
}
