/**
 * Edits /etc/libvirt/qemu.conf for our saves. Each setting we own is one line ending in a
 * `# vmstate:` comment; setting it again replaces that line, so the edits are idempotent.
 */
import { readFileSync, writeFileSync } from "node:fs";

export const QEMU_CONF = "/etc/libvirt/qemu.conf";

/**
 * Settings this container needs: no private /dev per guest (libvirt fails with "Unable to
 * move ... mount to /dev/null: Invalid argument" inside a container) and no cgroups (the
 * container's cgroup tree may be read-only; a TCG test guest needs none).
 */
export const CONTAINER_SETTINGS: Readonly<Record<string, string>> = {
  namespaces: "[ ]",
  cgroup_controllers: "[ ]",
};

/** Sets `key = value` in qemu.conf text, replacing our earlier line for that key. */
export function setQemuConf(text: string, key: string, value: string): string {
  const line = `${key} = ${value}  # vmstate: set by tools/make-libvirt-images.ts`;
  const ours = new RegExp(`^${key} = .*# vmstate:.*$`, "m");
  if (ours.test(text)) return text.replace(ours, line);
  return `${text.replace(/\n?$/, "\n")}${line}\n`;
}

/** Writes `settings` into qemu.conf; true when the file changed (libvirtd must restart). */
export function applyQemuConf(settings: Readonly<Record<string, string>>): boolean {
  const before = readFileSync(QEMU_CONF, "utf8");
  let text = before;
  for (const [k, v] of Object.entries(settings)) text = setQemuConf(text, k, v);
  if (text !== before) writeFileSync(QEMU_CONF, text);
  return text !== before;
}

/** Writes the container settings and `save_image_format` into qemu.conf. */
export function configureQemuConf(saveImageFormat: string): void {
  applyQemuConf({ ...CONTAINER_SETTINGS, save_image_format: `"${saveImageFormat}"` });
}
