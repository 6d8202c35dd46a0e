/**
 * The QEMU command line libvirt ran for a guest, from the guest's log
 * (/var/log/libvirt/qemu/NAME.log): recorded in images.json beside the images it made.
 */

/** The arguments of the last command line in `log` (one per line there), the binary left out. */
export function qemuArgsFromLog(log: string): string[] {
  const from = log.lastIndexOf("/usr/bin/qemu-system-aarch64 \\\n");
  const lines: string[] = [];
  for (const line of log.slice(from).split("\n").slice(1)) {
    lines.push(line.replace(/ \\$/, ""));
    if (!line.endsWith(" \\")) break;
  }
  return lines;
}
