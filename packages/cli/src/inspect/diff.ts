import { diffStreams, type DeviceDiff, type StreamDiff } from "@vmstate/inspect";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { oneStdinReader } from "../stdio-args.js";
import { listLine, valuePair } from "./report-text.js";
import { incompleteNote, readState, throwFailures } from "./state-input.js";
import { jsonDocument } from "../json-output.js";

/**
 * `diff A B`: what differs between two streams. Exit 0 whether or not they differ (the
 * report says which), or with `exitCode` 5 when they differ, like `git diff --exit-code`.
 * A damaged input still gets the diff of what decoded, then its error (exit 1).
 */
export async function diffCommand(fileA: string, fileB: string, opts: { json: boolean; exitCode: boolean }, io: CliIo): Promise<ExitCode> {
  oneStdinReader(["A", fileA], ["B", fileB]);
  const a = await readState(fileA, io);
  const b = await readState(fileB, io);
  const diff = diffStreams(a, b);
  const notes = [incompleteNote(a), incompleteNote(b)].filter((n) => n !== "");
  if (opts.json) io.print(jsonDocument("diff", { ...diff, complete: notes.length === 0 }));
  else io.print(formatDiff(diff, notes));
  throwFailures([a, b]);
  return opts.exitCode && !diff.identical ? EXIT.DIFFERENT : EXIT.OK;
}

/** The diff as text for an 80-column terminal. */
export function formatDiff(d: StreamDiff, notes: readonly string[] = []): string {
  const lines = [`A: ${d.a}`, `B: ${d.b}`, ...notes.map((n) => `note: ${n}`), ""];
  if (d.identical) {
    lines.push("no differences");
    return lines.join("\n") + "\n";
  }
  if (d.header.length > 0) {
    lines.push("stream:");
    for (const h of d.header) lines.push(...valuePair("  ", h.what, h.a, h.b));
  }
  if (d.ram_blocks.length > 0) {
    lines.push("RAM blocks (bytes):");
    for (const r of d.ram_blocks) lines.push(...valuePair("  ", r.name, r.a ?? "absent", r.b ?? "absent"));
  }
  const s = d.sections;
  if (s.only_a.length > 0) lines.push(...listLine("", "sections only in A", s.only_a));
  if (s.only_b.length > 0) lines.push(...listLine("", "sections only in B", s.only_b));
  for (const v of s.versions) lines.push(...valuePair("", `section ${v.section} version`, `v${v.a}`, `v${v.b}`));
  for (const dev of d.devices) lines.push(...formatDevice(dev));
  return lines.join("\n") + "\n";
}

function formatDevice(d: DeviceDiff): string[] {
  const lines = [`${d.section}:`];
  if (d.payload) lines.push(`  ${d.payload.note} (A ${d.payload.a} bytes, B ${d.payload.b} bytes)`);
  if (d.subsections_only_a.length > 0) lines.push(...listLine("  ", "subsections only in A", d.subsections_only_a));
  if (d.subsections_only_b.length > 0) lines.push(...listLine("  ", "subsections only in B", d.subsections_only_b));
  for (const v of d.subsection_versions) lines.push(...valuePair("  ", `subsection ${v.name} version`, `v${v.a}`, `v${v.b}`));
  if (d.fields_only_a.length > 0) lines.push(...listLine("  ", "fields only in A", d.fields_only_a));
  if (d.fields_only_b.length > 0) lines.push(...listLine("  ", "fields only in B", d.fields_only_b));
  for (const sh of d.shapes) lines.push(...valuePair("  ", `${sh.path} (layout)`, sh.a, sh.b));
  for (const f of d.fields) lines.push(...(f.b === "" ? [`  ${f.path}: ${f.a}`] : valuePair("  ", f.path, f.a, f.b)));
  const c = d.cpregs;
  if (c) {
    lines.push(`  registers: A has ${c.count_a}, B has ${c.count_b}`);
    if (c.only_a.length > 0) lines.push(`  only in A (${c.only_a.length}):`, ...c.only_a.map((r) => `    ${r.id}  ${r.value ?? ""}  ${r.name}`));
    if (c.only_b.length > 0) lines.push(`  only in B (${c.only_b.length}):`, ...c.only_b.map((r) => `    ${r.id}  ${r.value ?? ""}  ${r.name}`));
    if (c.values.length > 0) {
      lines.push(`  values differ (${c.values.length}):`);
      for (const v of c.values) lines.push(...valuePair("    ", `${v.id} ${v.name}`, v.a, v.b));
    }
  }
  return lines;
}
