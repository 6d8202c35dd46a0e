import type { Argv } from "yargs";
import type { ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { runCli } from "../run-cli.js";
import { summaryCommand } from "./summary.js";

const DESCRIPTION =
  "Explain a QEMU migration stream: what it holds, and why a destination would refuse it. FILE may be '-' to read standard input (a pipe works: no seeking is needed).";

/** `vmstate-inspect`: returns the exit code (the bin shim sets it). */
export function main(argv: string[], io: CliIo): Promise<ExitCode> {
  return runCli("vmstate-inspect", argv, io, (y, run) =>
    y
      .usage(`$0 <command> [options]\n\n${DESCRIPTION}`)
      .option("json", { type: "boolean", default: false, describe: "print JSON instead of text" })
      .command(
        "summary <file>",
        "machine type, features, page size, RAM blocks with page counts, every section",
        (c: Argv) => c.positional("file", { type: "string", describe: "stream file, or - for stdin" }),
        (args) => run(() => summaryCommand(String(args.file), Boolean(args.json), io)),
      )
      .demandCommand(1, "name a command: summary")
      .example("$0 summary vm.mig", "what is in vm.mig")
      .example("virsh save ... ; $0 summary --json vm.mig | jq .ram", "RAM blocks as JSON"),
  );
}
