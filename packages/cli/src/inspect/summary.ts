import { StreamDecoder, SummaryCollector } from "@vmstate/stream";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { openInput, type CliIo } from "../io.js";
import { formatSummary } from "./summary-text.js";

/**
 * `summary`: what the stream holds. Whatever happens, the summary of what was decoded is
 * printed first; a damaged stream then gets its error on stderr and a non-zero exit.
 */
export async function summaryCommand(file: string, json: boolean, io: CliIo): Promise<ExitCode> {
  const input = openInput(file, io);
  const decoder = new StreamDecoder(input.bytes, { ramRecords: false, tallyPages: true });
  const collector = new SummaryCollector();
  let failure: unknown;
  try {
    for await (const rec of decoder.records()) collector.add(rec);
  } catch (e) {
    failure = e;
  } finally {
    input.close();
  }
  const summary = collector.result(decoder.info);
  if (json) io.print(JSON.stringify({ ...summary, complete: failure === undefined }, null, 2) + "\n");
  else io.print(formatSummary(summary, input.name));
  if (failure !== undefined) throw failure;
  return EXIT.OK;
}
