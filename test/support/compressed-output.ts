/**
 * Comparing what the commands say of a compressed `virsh save` image with what they say of its
 * raw twin (the same header and XML, the same stream stored uncompressed): the only
 * differences allowed are the file name and the format the image rightly names.
 */

/** The `vmstate-inspect` commands (FILE appended) whose output must match the raw twin's. */
export const SAME_OUTPUT_COMMANDS: string[][] = [
  ["summary"],
  ["summary", "--json"],
  ["sections"],
  ["sections", "--json"],
  ["cpregs"],
  ["dump"],
  ["dump", "--format", "analyze-migration"],
  ["dump", "--vmdesc"],
  ["verify"],
  ["verify", "--json"],
];

/**
 * Output about the `format`-compressed `image` made comparable with output about `rawImage`.
 * Give both paths the same length, so column widths cannot differ.
 */
export function asRawOutput(text: string, format: string, image: string, rawImage: string): string {
  return text
    .replaceAll(image, rawImage)
    .replaceAll(`, ${format}-compressed (offsets are in the decompressed image)`, "")
    .replace(new RegExp(`"format":( ?)"${format}"`, "g"), '"format":$1"raw"')
    .replaceAll(`<dt>image format</dt><dd>${format}</dd>`, "<dt>image format</dt><dd>raw</dd>")
    // The report labels a compressed image's size: decompressed, and the file's own.
    .replace(new RegExp(` bytes decompressed \\(offsets count these\\) · ${format} file [\\d,]+ bytes`), " bytes");
}
