import type { ReportedChange, RewriteReport } from "@vmstate/rewrite";

/**
 * The stderr account of a rewrite: one line per change with its risk class (vCPU or
 * section, what, old and new value; "would …" when nothing was written), one per edited vCPU whose list length changed (field
 * 13 and the vmdesc follow from it), one per requested item nothing held or that was
 * already as asked, one per warning, one for the sections --drop-subsection could not search.
 */
export function reportLines(report: RewriteReport, dryRun: boolean, completed: boolean, vmdesc: boolean | undefined): string[] {
  // A refused or failed rewrite wrote nothing: its changes are said as what it would have done.
  const tentative = dryRun || !completed;
  const lines = report.changes.map((c) => changeLine(c, tentative));
  const verb = tentative ? "would " : "";
  const alsoVmdesc = vmdesc === true ? " (and the vmdesc array_len of both arrays)" : "";
  for (const cpu of report.cpus) {
    lines.push(`cpu (${cpu.vcpu}): ${verb}change cpreg_vmstate_array_len ${cpu.before} -> ${cpu.after}${alsoVmdesc}`);
  }
  for (const a of report.absent) {
    // With sections left unsearched, "no section holds it" would claim more than is known.
    const searched = report.undecoded.length > 0 ? "no section that could be decoded holds" : "no section holds";
    lines.push(a.id === undefined ? `${searched} subsection ${a.name}, nothing to drop` : `not in any vCPU, nothing to ${a.kind}: ${a.id} ${a.name}`);
  }
  for (const u of report.unchanged) {
    lines.push(`already ${short(u.value)} in ${u.vcpus} vCPU(s), nothing to ${u.kind}: ${u.name} (${u.id})`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w.vcpu >= 0 ? `cpu (${w.vcpu}): ` : `${w.id} ${w.name}: `}${w.message}`);
  if (report.undecoded.length > 0) lines.push(undecodedLine(report.undecoded));
  if (completed && report.changes.length === 0) lines.push(`nothing ${dryRun ? "would change" : "changed"}: the output is the input`);
  return lines;
}

/** `cpu (0): hid KVM_REG_ARM_VENDOR_HYP_BMAP_2 (0x6030000000160003) = 0x0 [tolerated]`. */
function changeLine(c: ReportedChange, tentative: boolean): string {
  // A guest-state change says why; the other two classes are explained in --help.
  const risk = c.risk === "guest-state" ? `[guest-state: ${c.why}]` : `[${c.risk}]`;
  if (c.kind === "dropped-subsection") {
    const within = c.within === undefined ? "" : ` within ${c.within}`;
    return `${c.device} (${c.instance}): ${tentative ? "would drop" : "dropped"} subsection ${c.name}${within} (${c.bytes} bytes) ${risk}`;
  }
  const what = `${c.name} (${c.id})`;
  const at = `cpu (${c.vcpu}): `;
  if (c.kind === "hidden") return `${at}${tentative ? "would hide" : "hid"} ${what} = ${short(c.oldValue!)} ${risk}`;
  if (c.kind === "added") return `${at}${tentative ? "would add" : "added"} ${what} = ${short(c.newValue!)} ${risk}`;
  return `${at}${tentative ? "would set" : "set"} ${what} ${short(c.oldValue!)} -> ${short(c.newValue!)} ${risk}`;
}

/**
 * The sections --drop-subsection could not search, in one line: the first few by name (the
 * JSON report lists them all), since a stream without a vmdesc has dozens.
 */
function undecodedLine(undecoded: RewriteReport["undecoded"]): string {
  const shown = undecoded.slice(0, 4).map((u) => `${u.device} (${u.instance})`).join(", ");
  const more = undecoded.length > 4 ? ` and ${undecoded.length - 4} more` : "";
  return `warning: ${undecoded.length} section(s) could not be decoded (no vmdesc or built-in schema describes them), so a subsection nested in their structs would be left in place: ${shown}${more}`;
}

/** `0x0000000000000003` → `0x3`: values read better short; ids keep their 16 digits. */
function short(hex: string): string {
  return `0x${BigInt(hex).toString(16)}`;
}
