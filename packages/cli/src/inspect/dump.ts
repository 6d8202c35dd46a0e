import { printable } from "@vmstate/wire";
import type { StreamRecord } from "@vmstate/stream";
import { AnalyzeMigrationCollector, dumpSection, type DumpSection } from "@vmstate/inspect";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { decodeInput } from "./state-input.js";
import { formatDumpSection } from "./dump-text.js";
import { jsonDocument } from "../json-output.js";

/** `dump`'s output formats: ours as text or JSON, or QEMU analyze-migration.py's JSON. */
export const DUMP_FORMATS = ["text", "json", "analyze-migration"] as const;
export type DumpFormat = (typeof DUMP_FORMATS)[number];

/**
 * `dump`: every device section's fields, decoded. Text is printed section by section as the
 * decoder yields them, so a damaged stream shows everything before the damage; the JSON forms
 * are printed once, with what was decoded, before the error goes to stderr (exit 1).
 *
 * `analyze-migration` prints the document `scripts/analyze-migration.py -d state` prints;
 * sections it would need a vmdesc for and the stream has none are left out, each named on
 * stderr.
 */
export async function dumpCommand(file: string, format: DumpFormat, io: CliIo): Promise<ExitCode> {
  const analyze = format === "analyze-migration" ? new AnalyzeMigrationCollector() : undefined;
  const sections: DumpSection[] = [];
  const blocks: { name: string; size: number }[] = [];
  const { name, info, failure } = await decodeInput(file, io, (rec) => {
    if (analyze) analyze.add(rec);
    else if (rec.kind === "device") {
      const s = dumpSection(rec);
      if (format === "json") sections.push(s);
      else io.print(formatDumpSection(s, rec.bytes));
    } else if (rec.kind === "ram" && rec.type === "mem_size") {
      for (const b of rec.blocks ?? []) blocks.push({ name: printable(b.idstr), size: Number(b.usedLength) });
      if (format === "text") io.print(ramText(rec));
    }
  });
  if (analyze) {
    io.print(analyze.text());
    for (const o of analyze.omitted) io.stderr(`vmstate-inspect: left out ${o.key} at offset 0x${o.offset.toString(16)}: ${o.reason}\n`);
  } else if (format === "json") {
    const doc = { file: name, machine: info.machine ?? null, pageSize: info.ram.pageSize ?? null, vmdesc: info.vmdesc ?? null, ramBlocks: blocks, sections, complete: failure === undefined };
    io.print(jsonDocument("dump", doc));
  }
  if (failure !== undefined) throw failure;
  return EXIT.OK;
}

function ramText(rec: Extract<StreamRecord, { kind: "ram" }>): string {
  const list = (rec.blocks ?? []).map((b) => `  ${printable(b.idstr).padEnd(40)} 0x${b.usedLength.toString(16).padStart(10, "0")} bytes`);
  return [`ram  section ${rec.sectionId}: ${list.length} RAM blocks (use extract-ram for their contents)`, ...list].join("\n") + "\n\n";
}
