/**
 * QEMU's stderr as the lines a comparison needs.
 *
 * Why strip and filter: every line QEMU prints starts with `qemu-system-aarch64: `, which says
 * nothing about the stream; and a deprecated machine type (`virt-6.2` on 10.0, `virt-7.2` and
 * `virt-6.2` on 11.1) adds a warning at start-up that is printed whatever the stream holds, so
 * it is not part of a refusal. The warning is recognised by QEMU's own wording and kept apart,
 * so a report can still show it.
 */

/** The stderr lines without the program-name prefix, blank lines dropped. */
export function qemuLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .map((l) => l.replace(/^qemu-system-\w+: /, "").trim())
    .filter((l) => l !== "");
}

/** True for the start-up warning about a deprecated machine type. */
export function isDeprecationWarning(line: string): boolean {
  return /^(warning: )?Machine type '[^']+' is deprecated/.test(line);
}

/** What QEMU said about the stream: its lines without the deprecation warning. */
export function refusalLines(stderr: string): string[] {
  return qemuLines(stderr).filter((l) => !isDeprecationWarning(l));
}
