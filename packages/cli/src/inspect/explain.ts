import { registerName } from "@vmstate/arm";
import { explainLoad, WORDING_RELEASES, type Explanation, type RewriteFix } from "@vmstate/destination";
import { VERDICT_EXIT, type ExitCode } from "../exit-codes.js";
import { jsonDocument } from "../json-output.js";
import type { CliIo } from "../io.js";
import { UsageError } from "../run-cli.js";
import { oneStdinReader } from "../stdio-args.js";
import { parseDestQemu, readDestination } from "../destination-input.js";
import { wrap } from "./report-text.js";
import { noFixSentence } from "./no-fix-sentence.js";
import { incompleteNote, readState, throwFailures } from "./state-input.js";

/**
 * `explain SRC --dest DEST [--dest-qemu VERSION]`: predicts whether the destination QEMU
 * loads SRC, with the lines it would print and the rewrite that would help. Exits 0 when it
 * loads, 6 when it would refuse, 7 when that cannot be told; a damaged input gets the
 * report of what decoded, then exit 1.
 */
export async function explainCommand(src: string, dest: string, options: { json: boolean; destQemu?: string }, io: CliIo): Promise<ExitCode> {
  oneStdinReader(["SRC", src], ["--dest", dest]);
  const destQemu = options.destQemu === undefined ? undefined : parseDestQemu(options.destQemu);
  const destination = await readDestination(dest, io);
  const source = await readState(src, io);
  const result = explainLoad(source, destination, { srcPath: src, destQemu });
  const states = destination.kind === "stream" ? [source, destination.state] : [source];
  const notes = states.map(incompleteNote).filter((n) => n !== "");
  if (options.json) io.print(jsonDocument("explain", { ...result, complete: notes.length === 0 }));
  else io.print(formatExplanation(result, notes));
  throwFailures(states);
  return VERDICT_EXIT[result.verdict];
}

const SEVERITY = { fatal: "refused", possible: "maybe", warning: "warning" } as const;

/** The prediction as text for an 80-column terminal. */
export function formatExplanation(e: Explanation, damage: readonly string[] = []): string {
  const lines = [
    `source:      ${e.source}`,
    `destination: ${e.destination} (${e.destination_kind === "stream" ? "a stream it saved" : "its register ids"})`,
    ...damage.map((d) => `note: ${d}`),
    "",
  ];
  lines.push(`destination's QEMU: ${e.destination_release}`, "");
  if (e.verdict === "loads") lines.push("The destination would load this stream.");
  else if (e.verdict === "cannot-tell") lines.push("Whether the destination would load this stream CANNOT BE TOLD (see \"maybe\" below).");
  else if (e.predicted_error === null) lines.push("The destination would REFUSE this stream (what QEMU prints depends on a problem marked \"maybe\" below).");
  else {
    lines.push(`The destination would REFUSE this stream. QEMU would print (in the wording of ${WORDING_RELEASES[e.qemu_wording]}):`);
    for (const l of e.predicted_error.split("\n")) lines.push(...wrap(l, "  ", "    "));
  }
  if (e.problems.length > 0) {
    lines.push("", "Problems, in the order QEMU's loader meets them:");
    const shown = e.predicted_error === null ? -1 : e.problems.findIndex((p) => p.severity === "fatal");
    e.problems.forEach((p, i) => {
      const where = p.section === undefined ? "" : `${p.section}: `;
      lines.push(...wrap(`${where}${p.message}`, `${String(i + 1).padStart(2)}. [${SEVERITY[p.severity]}] `, "      "));
      for (const id of p.ids ?? []) lines.push(`        ${id}  ${registerName(BigInt(id))}`);
      // A problem's QEMU lines are shown once: not again where the prediction above or the
      // problem before already shows the same (11.x fails all of a vCPU's at once).
      const same = p.qemu.join("\n") === e.predicted_error || (i > 0 && p.qemu.join("\n") === e.problems[i - 1]!.qemu.join("\n"));
      if (i !== shown && !same) for (const l of p.qemu) lines.push(...wrap(l, "      QEMU: ", "            "));
    });
  }
  if (e.notes.length > 0) {
    lines.push("", "Notes:");
    for (const n of e.notes) lines.push(...wrap(n, "  - ", "    "));
  }
  lines.push("", ...formatFix(e));
  return lines.join("\n") + "\n";
}

function formatFix(e: Explanation): string[] {
  const fix = e.fix;
  if (fix === null) return wrap(noFixSentence(e), "");
  const what = [
    ...(fix.hide.length > 0 ? [`hide ${fix.hide.length} register(s) the destination lacks`] : []),
    ...(fix.set.length > 0 ? [`set ${fix.set.length} read-only register(s) to the destination's values`] : []),
    ...(fix.add.length > 0 ? [`add ${fix.add.length} read-only register(s) with the destination's values`] : []),
    ...(fix.drop_subsections.length > 0 ? [`drop ${fix.drop_subsections.length} subsection(s)`] : []),
  ];
  const lines = [`Proposed rewrite: ${what.join("; ")}.`];
  for (const h of fix.hide) lines.push(`  hide  ${h.id}  ${h.name}  [${h.risk}]`);
  for (const s of fix.set) lines.push(`  set   ${s.id}  ${s.name}: ${s.from} -> ${s.to}  [${s.risk}]`);
  for (const a of fix.add) lines.push(`  add   ${a.id}  ${a.name} = ${a.value}  [${a.risk}]`);
  for (const d of fix.drop_subsections) lines.push(`  drop  ${d.subsection}  [${d.risk}]`);
  if (fix.warnings.length > 0) {
    lines.push("Warnings:");
    for (const w of fix.warnings) lines.push(...wrap(w, "  - ", "    "));
  }
  lines.push("Command:", ...commandLines(fix));
  return lines;
}

/**
 * The command split over lines with `\` continuations, three ids per `--hide` (the flag is
 * repeatable, so this is the same request as the single `--hide` of `fix.argv`).
 */
function commandLines(fix: RewriteFix): string[] {
  const parts: string[] = [];
  for (let i = 0; i < fix.hide.length; i += 3) parts.push(`--hide ${fix.hide.slice(i, i + 3).map((h) => h.id).join(",")}`);
  for (const s of fix.set) parts.push(`--set ${s.id}=${s.to}`);
  for (const a of fix.add) parts.push(`--add ${a.id}=${a.value}`);
  for (const d of fix.drop_subsections) parts.push(`--drop-subsection ${d.subsection}`);
  // The command ends with its input and output: `< SRC > FIXED`, or `-i SRC -o FIXED` for a
  // mapped-ram source (rewrite-fix.ts); each goes on a line of its own.
  const io = fix.command.slice(Math.max(fix.command.lastIndexOf(" < "), fix.command.lastIndexOf(" -i ")) + 1);
  const split = Math.max(io.lastIndexOf(" > "), io.lastIndexOf(" -o "));
  const lines = [
    "  vmstate-rewrite \\",
    ...parts.map((p) => `    ${p} \\`),
    `    ${io.slice(0, split)} \\`,
    `    ${io.slice(split + 1)}`,
  ];
  // Only the lines naming files can pass 80 columns: as long as the paths the user typed.
  return lines;
}
