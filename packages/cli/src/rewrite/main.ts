import type { Argv } from "yargs";
import { rewriteStream } from "@vmstate/rewrite";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { openInput, type CliIo } from "../io.js";
import { AtomicOutput } from "../atomic-output.js";
import { Progress } from "../progress.js";
import { runCli, UsageError } from "../run-cli.js";

interface RewriteArgs {
  input: string;
  output: string;
  maxTail: number;
}

const DESCRIPTION = [
  'Rewrite a QEMU migration stream (the bytes of migrate "exec:cat > FILE", virsh save, or a live migration) from stdin to stdout or between files.',
  "With no change requested it decodes and validates every record and copies the stream exactly: byte for byte, in constant memory.",
].join("\n\n");

/** `vmstate-rewrite`: returns the exit code (the bin shim sets it). */
export function main(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCli("vmstate-rewrite", argv, io, (y, run) =>
    y
      .usage(`$0 [options] < IN > OUT\n\n${DESCRIPTION}`)
      .command(
        "$0",
        false,
        (c: Argv) =>
          c
            .option("input", { alias: "i", type: "string", default: "-", describe: "input stream file ('-' for stdin)" })
            .option("output", {
              alias: "o",
              type: "string",
              default: "-",
              describe: "output file ('-' for stdout); written aside and renamed, so a bad input leaves no partial file",
            })
            .option("max-tail", {
              type: "number",
              default: 64,
              describe: "MiB of device state (after RAM) to buffer while waiting for the stream's vmdesc",
            })
            .example("$0 < saved.mig > copy.mig", "validate and copy a stream")
            .example("$0 -i saved.mig -o copy.mig", "the same, between files"),
        (args) => run(() => rewrite(args as unknown as RewriteArgs, io)),
      ),
  );
}

async function rewrite(args: RewriteArgs, io: CliIo): Promise<ExitCode> {
  if (!(args.maxTail > 0)) throw new UsageError("--max-tail must be a positive number of MiB");
  const input = openInput(args.input, io);
  const out = args.output === "-" ? undefined : new AtomicOutput(args.output, io);
  const progress = new Progress(io, input.size, "vmstate-rewrite");
  try {
    await rewriteStream(input.bytes, out ? out.sink : io.stdout, {
      decode: { maxTailBytes: args.maxTail * 1048576 },
      onProgress: (o) => progress.update(o),
    });
    if (out) await out.commit();
    return EXIT.OK;
  } finally {
    progress.done();
    out?.abandon();
    input.close();
  }
}
