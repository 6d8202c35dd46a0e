import type { ReportedChange, RewriteReport } from "@vmstate/rewrite";

/**
 * The stderr account of a rewrite: one line per change with its risk class (vCPU or
 * section, what, old and new value), one per edited vCPU whose list length changed (field
 * 13 and the vmdesc follow from it), one per requested item nothing held or that was
 * already as asked, one per warning.
 */
export function reportLines(report: RewriteReport, dryRun: boolean, completed: boolean): string[] {
  const lines = report.changes.map((c) => changeLine(c, dryRun));
  const verb = dryRun ? "would " : "";
  for (const cpu of report.cpus) {
    lines.push(`cpu (${cpu.vcpu}): ${verb}change cpreg_vmstate_array_len ${cpu.before} -> ${cpu.after} (and the vmdesc array_len of both arrays)`);
  }
  for (const a of report.absent) {
    lines.push(a.id === undefined ? `no section holds subsection ${a.name}, nothing to drop` : `not in any vCPU, nothing to ${a.kind}: ${a.id} ${a.name}`);
  }
  for (const u of report.unchanged) {
    lines.push(`already ${short(u.value)} in ${u.vcpus} vCPU(s), nothing to ${u.kind}: ${u.name} (${u.id})`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w.vcpu >= 0 ? `cpu (${w.vcpu}): ` : `${w.id} ${w.name}: `}${w.message}`);
  if (completed && report.changes.length === 0) lines.push(`nothing ${dryRun ? "would change" : "changed"}: the output is the input`);
  return lines;
}

/** `cpu (0): hid KVM_REG_ARM_VENDOR_HYP_BMAP_2 (0x6030000000160003) = 0x0 [tolerated]`. */
function changeLine(c: ReportedChange, dryRun: boolean): string {
  // A guest-state change says why; the other two classes are explained in --help.
  const risk = c.risk === "guest-state" ? `[guest-state: ${c.why}]` : `[${c.risk}]`;
  if (c.kind === "dropped-subsection") {
    return `${c.device} (${c.instance}): ${dryRun ? "would drop" : "dropped"} subsection ${c.name} (${c.bytes} bytes) ${risk}`;
  }
  const what = `${c.name} (${c.id})`;
  const at = `cpu (${c.vcpu}): `;
  if (c.kind === "hidden") return `${at}${dryRun ? "would hide" : "hid"} ${what} = ${short(c.oldValue!)} ${risk}`;
  if (c.kind === "added") return `${at}${dryRun ? "would add" : "added"} ${what} = ${short(c.newValue!)} ${risk}`;
  return `${at}${dryRun ? "would set" : "set"} ${what} ${short(c.oldValue!)} -> ${short(c.newValue!)} ${risk}`;
}

/** `0x0000000000000003` → `0x3`: values read better short; ids keep their 16 digits. */
function short(hex: string): string {
  return `0x${BigInt(hex).toString(16)}`;
}
