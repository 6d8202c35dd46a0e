import { verifyStream, type Problem, type VerifyCounts } from "@vmstate/inspect";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { openStreamInput } from "../stream-input.js";
import { Progress } from "../progress.js";
import { hexOffset } from "./report-text.js";
import { jsonDocument } from "../json-output.js";

/**
 * `verify`: every problem in the stream, each with its offset and path, as text or as
 * `{"ok": bool, "problems": [{"offset", "path", "code", "message"}], "ram": [...]}` (each
 * block's page counts, `summary`'s, and the pages nothing sent); exit 1 if any.
 * Problems are the report (stdout), not errors: only a file that cannot be read goes to stderr.
 */
export async function verifyCommand(file: string, opts: { json: boolean; progress: boolean }, io: CliIo): Promise<ExitCode> {
  const input = await openStreamInput(file, io);
  const progress = new Progress(io, input.size, "verify", opts.progress);
  let report;
  try {
    report = await verifyStream(input.bytes, { onOffset: (n) => progress.update(n) });
  } finally {
    progress.done();
    input.close();
  }
  if (opts.json) io.print(jsonDocument("verify", { ok: report.ok, problems: report.problems, ram: report.counts.ram }));
  else io.print(formatVerify(report.ok || input.compressed === undefined ? input.name : `${input.name} (offsets of the decompressed image)`, report.problems, report.counts));
  if (!report.ok) io.stderr(`vmstate-inspect: ${input.name}: ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"} found\n`);
  return report.ok ? EXIT.OK : EXIT.BAD_STREAM;
}

function formatVerify(name: string, problems: Problem[], c: VerifyCounts): string {
  const what = `${c.bytes} bytes, ${c.ramPages} RAM pages, ${c.sections} device sections, ${c.vmdesc ? "vmdesc" : "no vmdesc"}`;
  if (problems.length === 0) return `${name}: ok (${what})\n`;
  const lines = [`${name}: ${problems.length} problem${problems.length === 1 ? "" : "s"} (${what})`, ""];
  for (const p of problems) {
    lines.push(`${hexOffset(p.offset)}  ${p.code}${p.path ? `  ${p.path}` : ""}`);
    lines.push(`            ${p.message}`);
  }
  return lines.join("\n") + "\n";
}
