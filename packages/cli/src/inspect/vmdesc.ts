import { VmstateError } from "@vmstate/wire";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { decodeInput } from "./state-input.js";

/**
 * `dump --vmdesc`: the stream's vmdesc (QEMU's JSON description of every device's fields)
 * exactly as the stream holds it, what `analyze-migration.py -d desc` is reached for, but
 * byte for byte rather than re-indented, so it can be compared or fed back. Pipe it to `jq`
 * to read it. Exit 4 when the stream has none.
 */
export async function vmdescCommand(file: string, io: CliIo): Promise<ExitCode> {
  let json: Uint8Array | undefined;
  const { name, failure } = await decodeInput(file, io, (rec) => {
    if (rec.kind === "vmdesc") json = rec.json.slice();
  });
  if (failure !== undefined) throw failure;
  if (json === undefined) throw new VmstateError("NOT_APPLICABLE", `${name} has no vmdesc (nothing follows its EOF record)`);
  io.print(Buffer.from(json).toString("utf8") + "\n");
  return EXIT.OK;
}
