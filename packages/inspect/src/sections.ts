/**
 * The `sections` view: every record of a stream with its absolute offsets, so a person can
 * see the layout byte by byte (header, configuration, section headers, payloads, footers,
 * commands, EOF, vmdesc) and find where damage sits. The entries tile the decoded bytes
 * without gaps: each starts where the previous one ended.
 *
 * RAM chunks hold tens of thousands of records (one per page), so by default the records of
 * one START/PART/END chunk are folded into a single entry with counts by type; `all` lists
 * each one. Built one record at a time, so a damaged stream still yields every entry decoded
 * before the damage.
 */
import { printable } from "@vmstate/wire";
import type { RamRecordType, StreamRecord } from "@vmstate/stream";

export interface Span {
  start: number;
  end: number;
}

/** One line of the layout. `end` is exclusive; `size = end - start`. */
export type LayoutEntry =
  | (Span & { kind: "header"; magic: number; version: number })
  | (Span & { kind: "configuration"; machine: string; subsections: string[] })
  | (Span & {
      kind: "section";
      type: "START" | "PART" | "END" | "FULL";
      section_id: number;
      name: string;
      instance_id: number;
      version: number;
    })
  | (Span & { kind: "ram"; section_id: number; records: number; counts: Partial<Record<RamRecordType, number>> })
  | (Span & {
      kind: "ram-record";
      section_id: number;
      type: RamRecordType;
      block: string;
      offset: number;
      flags: number;
      continued: boolean;
    })
  | (Span & { kind: "device"; name: string; instance_id: number; delimited_by: string; fields: number | null })
  | (Span & { kind: "footer"; section_id: number })
  | (Span & { kind: "command"; cmd: number; name: string; length: number })
  | (Span & { kind: "eof" })
  | (Span & { kind: "vmdesc"; json_length: number; devices: number })
  | (Span & { kind: "opaque"; reason: string });

/** The layout of a stream, as far as it decoded. */
export interface StreamLayout {
  entries: LayoutEntry[];
  /** Offset just past the last decoded byte. */
  decoded_bytes: number;
}

/** Collects {@link LayoutEntry}s from records as the decoder yields them. */
export class LayoutCollector {
  private readonly entries: LayoutEntry[] = [];
  private ram: Extract<LayoutEntry, { kind: "ram" }> | undefined;
  private end = 0;

  /** @param all list every RAM record instead of one entry per RAM chunk */
  constructor(private readonly all = false) {}

  add(rec: StreamRecord): void {
    this.end = rec.end;
    if (rec.kind === "ram") {
      this.addRam(rec);
      return;
    }
    this.ram = undefined;
    const span = { start: rec.start, end: rec.end };
    switch (rec.kind) {
      case "header":
        this.entries.push({ kind: "header", ...span, magic: rec.magic, version: rec.version });
        break;
      case "configuration":
        this.entries.push({ kind: "configuration", ...span, machine: printable(rec.machine), subsections: rec.subsections.map((s) => printable(s.name)) });
        break;
      case "section":
        this.entries.push({
          kind: "section",
          ...span,
          type: rec.type.toUpperCase() as "START" | "PART" | "END" | "FULL",
          section_id: rec.sectionId,
          name: printable(rec.idstr),
          instance_id: rec.instanceId,
          version: rec.version,
        });
        break;
      case "device":
        this.entries.push({
          kind: "device",
          ...span,
          name: printable(rec.idstr),
          instance_id: rec.instanceId,
          delimited_by: rec.delimitedBy,
          fields: rec.fields?.children?.length ?? null,
        });
        break;
      case "footer":
        this.entries.push({ kind: "footer", ...span, section_id: rec.sectionId });
        break;
      case "command":
        this.entries.push({ kind: "command", ...span, cmd: rec.cmd, name: printable(rec.name), length: rec.payload.length });
        break;
      case "eof":
        this.entries.push({ kind: "eof", ...span });
        break;
      case "vmdesc":
        this.entries.push({ kind: "vmdesc", ...span, json_length: rec.json.length, devices: rec.doc.devices.length });
        break;
      case "opaque":
        this.entries.push({ kind: "opaque", ...span, reason: rec.reason });
        break;
    }
  }

  private addRam(rec: Extract<StreamRecord, { kind: "ram" }>): void {
    if (this.all) {
      this.entries.push({
        kind: "ram-record",
        start: rec.start,
        end: rec.end,
        section_id: rec.sectionId,
        type: rec.type,
        block: printable(rec.block),
        offset: rec.offset,
        flags: rec.flags,
        continued: rec.continued,
      });
      return;
    }
    if (this.ram === undefined || this.ram.section_id !== rec.sectionId || this.ram.end !== rec.start) {
      this.ram = { kind: "ram", start: rec.start, end: rec.start, section_id: rec.sectionId, records: 0, counts: {} };
      this.entries.push(this.ram);
    }
    this.ram.end = rec.end;
    this.ram.records++;
    this.ram.counts[rec.type] = (this.ram.counts[rec.type] ?? 0) + 1;
  }

  result(): StreamLayout {
    return { entries: this.entries, decoded_bytes: this.end };
  }
}
