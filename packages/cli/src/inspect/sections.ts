import { LayoutCollector, type LayoutEntry, type StreamLayout } from "@vmstate/inspect";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { decodeInput } from "./state-input.js";
import { hexOffset } from "./report-text.js";
import { jsonDocument } from "../json-output.js";

/**
 * `sections`: every record with its offsets. The layout decoded before any damage is
 * printed first; the error then goes to stderr (exit 1).
 */
export async function sectionsCommand(file: string, opts: { json: boolean; all: boolean }, io: CliIo): Promise<ExitCode> {
  const collector = new LayoutCollector(opts.all);
  const { name, failure } = await decodeInput(file, io, (rec) => collector.add(rec));
  const layout = collector.result();
  if (opts.json) io.print(jsonDocument("sections", { file: name, complete: failure === undefined, ...layout }));
  else io.print(formatLayout(layout, name));
  if (failure !== undefined) throw failure;
  return EXIT.OK;
}


/** The layout as a table for an 80-column terminal. */
export function formatLayout(layout: StreamLayout, name: string): string {
  const lines = [`${name}: ${layout.entries.length} records, ${layout.decoded_bytes} bytes decoded`, ""];
  lines.push(`${"start".padEnd(10)}  ${"end".padEnd(10)}  ${"size".padStart(8)}  record`);
  for (const e of layout.entries) {
    lines.push(`${hexOffset(e.start)}  ${hexOffset(e.end)}  ${String(e.end - e.start).padStart(8)}  ${describe(e)}`);
  }
  return lines.join("\n") + "\n";
}

function describe(e: LayoutEntry): string {
  switch (e.kind) {
    case "header":
      return `header magic 0x${e.magic.toString(16)} version ${e.version}`;
    case "configuration":
      return `configuration ${e.machine}${e.subsections.length ? ` + ${e.subsections.map((s) => s.replace(/^configuration\//, "")).join(", ")}` : ""}`;
    case "section":
      return e.type === "PART" || e.type === "END"
        ? `${e.type.padEnd(5)} id ${e.section_id} (${e.name})`
        : `${e.type.padEnd(5)} id ${e.section_id} ${e.name} (${e.instance_id}) v${e.version}`;
    case "ram":
      return `  ram: ${Object.entries(e.counts).map(([k, v]) => `${v} ${k}`).join(", ")}`;
    case "ram-record":
      return `  ram: ${e.type} ${e.block}+0x${e.offset.toString(16)}${e.continued ? " (cont)" : ""}`;
    case "device":
      return `  data ${e.name} (${e.instance_id}): ${e.fields === null ? "opaque" : `${e.fields} fields`}${e.delimited_by === "vmdesc" ? "" : ` (${e.delimited_by})`}`;
    case "footer":
      return `footer id ${e.section_id}`;
    case "command":
      return `command ${e.name} (${e.cmd}), ${e.length} payload bytes`;
    case "eof":
      return "EOF";
    case "vmdesc":
      return `vmdesc ${e.json_length} bytes of JSON, ${e.devices} devices`;
    case "opaque":
      return `  opaque: ${e.reason}`;
  }
}
