import type { CliFs } from "../io.js";

/**
 * Writes a small file (a report) whole or not at all: to a temporary name beside it, then
 * renamed over it. A full disk or any other failure removes the temporary file and leaves
 * whatever was at `path` before, never a 0-byte or cut-short report that a script would
 * then read as valid.
 */
export function writeWholeFile(fs: CliFs, path: string, text: string): void {
  const tmp = `${path}.vmstate-${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created
    }
    // The error names the user's path, not the temporary one.
    if (e instanceof Error && "path" in e && e.path === tmp) (e as NodeJS.ErrnoException).path = path;
    throw e;
  }
}
