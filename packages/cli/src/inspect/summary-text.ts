import type { StreamSummary } from "@vmstate/stream";
import { hexOffset } from "./report-text.js";


function size(n: number): string {
  if (n >= 1 << 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

function yesNo(v: boolean | null, what: string): string {
  return v === null ? `${what}: unknown` : `${what}: ${v ? "yes" : "no"}`;
}

/** The summary as text for an 80-column terminal. */
export function formatSummary(s: StreamSummary, name: string): string {
  const lines: string[] = [];
  lines.push(`stream:      ${name} (${s.bytes} bytes decoded)`);
  if (s.libvirt) {
    const lv = s.libvirt;
    lines.push(
      `libvirt:     virsh save image of domain ${lv.domain ?? "(unnamed)"}, ${lv.wasRunning ? "was running" : "was paused"}` +
        `${lv.complete ? "" : ", INCOMPLETE (LibvirtQemudPart)"}; QEMU stream at offset ${lv.streamOffset}` +
        // A compressed stream's offsets, here and below, count the decompressed image.
        (lv.format === "raw" ? "" : lv.format === "sparse" ? ", sparse (mapped-ram)" : `, ${lv.format}-compressed (offsets are in the decompressed image)`),
    );
  }
  lines.push(`machine:     ${s.machine ?? "(no configuration section)"}`);
  lines.push(`page size:   ${s.pageSize ?? "unknown"}${s.pageSizeSource ? ` (${s.pageSizeSource})` : ""}`);
  const f = s.features;
  lines.push(
    `features:    ${yesNo(f.configuration, "configuration")}, ${yesNo(f.footers, "section footers")}, ${yesNo(f.vmdesc, "vmdesc")}`,
  );
  if (f.vmdescKeys.length) lines.push(`vmdesc keys: ${f.vmdescKeys.join(", ")}`);
  lines.push(`capabilities: ${f.capabilities.length ? f.capabilities.join(", ") : "none announced"}`);
  lines.push(`commands:    ${f.commands.length ? f.commands.join(", ") : "none"}`);
  lines.push("");
  lines.push(`RAM blocks (${s.ram.length}):`);
  lines.push(`  ${"name".padEnd(26)} ${"size".padStart(10)} ${"zero".padStart(8)} ${"normal".padStart(8)} ${"compr".padStart(6)} ${"xbzrle".padStart(6)}`);
  for (const b of s.ram) {
    const p = b.pages;
    lines.push(
      `  ${b.name.padEnd(26)} ${size(b.size).padStart(10)} ${String(p.zero).padStart(8)} ${String(p.normal).padStart(8)} ${String(p.compressed).padStart(6)} ${String(p.xbzrle).padStart(6)}`,
    );
  }
  lines.push("");
  lines.push(`sections (${s.sections.length}, ${s.devices} device states):`);
  lines.push(`  ${"offset".padEnd(10)} ${"size".padStart(8)} ${"type".padEnd(5)} ${"id".padStart(3)} ${"name".padEnd(30)} ${"inst".padStart(4)} ${"ver".padStart(3)}`);
  for (const sec of s.sections) {
    const note = sec.delimitedBy && sec.delimitedBy !== "vmdesc" ? ` (${sec.delimitedBy})` : "";
    lines.push(
      `  ${hexOffset(sec.offset)} ${String(sec.size).padStart(8)} ${sec.type.padEnd(5)} ${String(sec.sectionId).padStart(3)} ${sec.name.padEnd(30)} ${String(sec.instanceId).padStart(4)} ${String(sec.version).padStart(3)}${note}`,
    );
  }
  return lines.join("\n") + "\n";
}
