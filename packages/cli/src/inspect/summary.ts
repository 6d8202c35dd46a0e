import { SummaryCollector } from "@vmstate/stream";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { decodeInput } from "./state-input.js";
import { formatSummary } from "./summary-text.js";
import { jsonDocument } from "../json-output.js";

/**
 * `summary`: what the stream holds. Whatever happens, the summary of what was decoded is
 * printed first; a damaged stream then gets its error on stderr and a non-zero exit.
 */
export async function summaryCommand(file: string, json: boolean, io: CliIo): Promise<ExitCode> {
  const collector = new SummaryCollector();
  const { name, info, failure, decodedTo } = await decodeInput(file, io, (rec) => collector.add(rec), { ramRecords: false, tallyPages: true, reuseInput: true });
  const summary = collector.result(info, decodedTo);
  if (json) io.print(jsonDocument("summary", { ...summary, complete: failure === undefined }));
  else io.print(formatSummary(summary, name));
  if (failure !== undefined) throw failure;
  return EXIT.OK;
}
