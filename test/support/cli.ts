import * as nodeFs from "node:fs";
import { MemorySink, type ByteInput } from "@vmstate/wire";
import { inspectMain, type CliFs, type CliIo } from "@vmstate/cli";
import { checkJsonDocument, printedSchema } from "./json-schemas.js";

/** What a CLI run left behind. */
export interface CliRun {
  code: number;
  /** Bytes written to standard output (the stream, for vmstate-rewrite). */
  stdout: Uint8Array;
  /** Text printed to standard output (reports, help). */
  printed: string;
  stderr: string;
}

/**
 * Runs a CLI's `main` in-process with injected IO: stdin from `stdin` chunks, stdout and
 * stderr captured, the file system real by default or memfs when given. Every JSON document
 * the run printed or wrote (--report-json) is checked against its schema in schemas/.
 */
export async function runMain(
  main: (argv: string[], io: CliIo) => Promise<number>,
  argv: string[],
  options: { stdin?: ByteInput; fs?: CliFs; stderrIsTTY?: boolean; stdoutIsTTY?: boolean; term?: string; stdinSize?: number } = {},
): Promise<CliRun> {
  const stdout = new MemorySink();
  const fs = options.fs ?? (nodeFs as unknown as CliFs);
  let printed = "";
  let stderr = "";
  const io: CliIo = {
    stdin: () => options.stdin ?? [],
    stdout,
    stderr: (t) => void (stderr += t),
    print: (t) => void (printed += t),
    fs,
    stderrIsTTY: options.stderrIsTTY ?? false,
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    term: options.term,
    stdinSize: () => options.stdinSize,
  };
  const code = await main(argv, io);
  const schema = printedSchema(main === inspectMain ? "vmstate-inspect" : "vmstate-rewrite", argv);
  if (schema !== undefined && printed !== "") checkJsonDocument(schema, printed);
  const report = argv[argv.indexOf("--report-json") + 1];
  // Only a regular file holds a report to check (a device such as /dev/full would read forever).
  if (argv.includes("--report-json") && report !== undefined && fs.existsSync(report) && (fs as unknown as typeof nodeFs).statSync(report).isFile()) checkJsonDocument("rewrite-report", fs.readFileSync(report, "utf8"));
  return { code, stdout: stdout.bytes(), printed, stderr };
}
