import type { RewriteReport } from "@vmstate/rewrite";

/**
 * The stderr account of a rewrite: one line per change (vCPU, id, name, old value), one per
 * requested id no vCPU held, one per warning, and one per edited vCPU for the list length
 * (field 13 and the vmdesc follow from it).
 */
export function reportLines(report: RewriteReport, dryRun: boolean, completed: boolean): string[] {
  const verb = dryRun ? "would " : "";
  const lines: string[] = [];
  for (const c of report.changes) {
    if (c.kind === "hidden") lines.push(`cpu ${c.vcpu}: ${verb}hide ${c.id} ${c.name} (value ${c.oldValue})`);
    else lines.push(`cpu ${c.vcpu}: ${verb}set ${c.id} ${c.name} ${c.oldValue} -> ${c.newValue}`);
  }
  for (const cpu of report.cpus) {
    if (cpu.before !== cpu.after) {
      lines.push(`cpu ${cpu.vcpu}: ${verb}change cpreg_vmstate_array_len ${cpu.before} -> ${cpu.after} (and the vmdesc array_len of both arrays)`);
    }
  }
  for (const a of report.absent) lines.push(`not in any vCPU, nothing to ${a.kind}: ${a.id} ${a.name}`);
  // The warning messages name the register themselves.
  for (const w of report.warnings) lines.push(`warning: ${w.vcpu >= 0 ? `cpu ${w.vcpu}: ` : `${w.id} ${w.name}: `}${w.message}`);
  if (completed && report.changes.length === 0) lines.push(`nothing ${dryRun ? "would change" : "changed"}: the output is the input`);
  return lines;
}
