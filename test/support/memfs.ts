import { Volume, createFsFromVolume } from "memfs";
import type { CliFs } from "@vmstate/cli";

/**
 * An in-memory file system holding the given files (absolute paths), for CLI runs that
 * need inputs no sample provides: a truncated copy, a register-list text file.
 */
export function memFs(files: Record<string, Uint8Array | string>): CliFs {
  const vol = new Volume();
  for (const [path, data] of Object.entries(files)) {
    vol.mkdirSync(path.slice(0, path.lastIndexOf("/")) || "/", { recursive: true });
    vol.writeFileSync(path, typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.length));
  }
  return createFsFromVolume(vol) as unknown as CliFs;
}
