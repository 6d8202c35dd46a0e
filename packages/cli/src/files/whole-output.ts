import type { CliIo } from "../io.js";
import { openFileOutput } from "./file-output.js";
import { resolveOutput } from "./output-target.js";
import { underPath } from "./system-error.js";

/**
 * Writes a whole document (`--report-json`, `report -o`) through the output `-o` uses, so
 * every option that names an output behaves alike (symbolic links followed, a device written
 * into, an existing file's mode and owner kept) and a failure, a full disk included, leaves
 * no partial document.
 */
export async function writeWholeOutput(path: string, io: CliIo, text: string): Promise<void> {
  const out = openFileOutput(underPath(path, () => resolveOutput(path, io.fs)), path, io);
  try {
    underPath(path, () => out.sink.write(Buffer.from(text)));
    await out.commit();
  } finally {
    out.abandon();
  }
}
