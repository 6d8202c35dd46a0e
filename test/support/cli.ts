import * as nodeFs from "node:fs";
import { MemorySink, type ByteInput } from "@vmstate/wire";
import type { CliFs, CliIo } from "@vmstate/cli";

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
 * stderr captured, the file system real by default or memfs when given.
 */
export async function runMain(
  main: (argv: string[], io: CliIo) => Promise<number>,
  argv: string[],
  options: { stdin?: ByteInput; fs?: CliFs; stderrIsTTY?: boolean; stdoutIsTTY?: boolean } = {},
): Promise<CliRun> {
  const stdout = new MemorySink();
  let printed = "";
  let stderr = "";
  const io: CliIo = {
    stdin: () => options.stdin ?? [],
    stdout,
    stderr: (t) => void (stderr += t),
    print: (t) => void (printed += t),
    fs: options.fs ?? (nodeFs as unknown as CliFs),
    stderrIsTTY: options.stderrIsTTY ?? false,
    stdoutIsTTY: options.stdoutIsTTY ?? false,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.bytes(), printed, stderr };
}
