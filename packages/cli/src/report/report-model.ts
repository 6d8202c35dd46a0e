/**
 * The data model of `vmstate-inspect report`: everything the page shows, gathered from the
 * one decoding pass and the destination's prediction, as plain data. The renderer turns it
 * into HTML and does no stream work of its own, so the model can be checked against the
 * JSON commands (`summary`, `cpregs`, `explain`) whose numbers it must repeat.
 *
 * Strings in it come from the stream (block names, section names, libvirt's XML) and are
 * untrusted: the renderer escapes every one.
 */
import { notVerifiedText } from "../unverified.js";
import type { Destination, Explanation } from "@vmstate/destination";
import type { BlockPageMap, DumpSection } from "@vmstate/inspect";
import type { RamBlockSummary, SectionSummary, StreamSummary } from "@vmstate/stream";
import type { ReportPass } from "./report-pass.js";
import { registerTable, type CpuRegisters } from "./register-table.js";

/**
 * One section of the stream's composition, with its fields when it is a device section. A
 * run of RAM PART sections is one entry (`parts` of them, `size` their total): a guest of
 * GiBs sends thousands, and a row and a bar segment each would make the page grow with
 * the guest.
 */
export interface ReportSection extends SectionSummary {
  fields: DumpSection | undefined;
  /** How many consecutive sections of this type and id the entry stands for (1 but for PARTs). */
  parts: number;
}

/** One RAM block: `summary`'s counts and the page map. */
export interface ReportRamBlock extends RamBlockSummary {
  map: BlockPageMap | undefined;
}

/** The `virsh save` wrapper. */
export interface ReportLibvirt {
  complete: boolean;
  wasRunning: boolean;
  format: string;
  endianness: "little" | "big";
  domain: string | null;
  /** Where the QEMU stream starts in the file. */
  streamOffset: number;
  domainXml: string;
  cookieXml: string | null;
}

export interface ReportModel {
  /** What made the page: `vmstate-inspect report`'s version. */
  generator: string;
  source: {
    name: string;
    /** The stream's bytes as decoded: for a compressed image, decompressed. */
    bytes: number;
    /** A compressed image's own size, when known; null for any other input. */
    compressedBytes: number | null;
    /** Whether the input is a compressed image (its bytes are then not the file's). */
    compressed: boolean;
    machine: string | null;
    pageSize: number | null;
    features: StreamSummary["features"];
  };
  /** One line per damaged input (source or destination): where and why decoding stopped. */
  damage: string[];
  /** One line per input whose device state could not be delimited or checked (no vmdesc, no footers). */
  unverified: string[];
  /** The prediction, when a destination was given. */
  explanation: Explanation | null;
  libvirt: ReportLibvirt | null;
  sections: ReportSection[];
  ram: ReportRamBlock[];
  registers: CpuRegisters[];
  /** Whether the register rows carry a standing against a destination. */
  registersCompared: boolean;
}

/** Inputs of {@link buildReportModel}. */
export interface ReportInputs {
  pass: ReportPass;
  destination: Destination | undefined;
  explanation: Explanation | null;
  generator: string;
  /** Set for a compressed image: its own size, undefined when not known (a pipe). */
  compressed?: { fileSize: number | undefined };
}

export function buildReportModel({ pass, destination, explanation, generator, compressed }: ReportInputs): ReportModel {
  const { summary, state } = pass;
  const damage = [damageLine(state.name, state.decodedBytes, pass.failure)];
  if (destination?.kind === "stream") damage.push(damageLine(destination.state.name, destination.state.decodedBytes, destination.state.failure));
  const registers = registerTable(state, destination);
  const lv = pass.libvirt;
  return {
    generator,
    source: {
      name: state.name, bytes: summary.bytes, compressed: compressed !== undefined, compressedBytes: compressed?.fileSize ?? null,
      machine: summary.machine, pageSize: summary.pageSize, features: summary.features,
    },
    damage: damage.filter((d): d is string => d !== undefined),
    unverified: [state, ...(destination?.kind === "stream" ? [destination.state] : [])].flatMap((s) => (s.unverified === undefined ? [] : [notVerifiedText(s.name, s.unverified)])),
    explanation,
    libvirt: lv === undefined ? null : {
      complete: lv.complete, wasRunning: lv.wasRunning, format: lv.format, endianness: lv.endianness,
      domain: summary.libvirt?.domain ?? null, streamOffset: lv.end, domainXml: lv.domainXml, cookieXml: lv.cookieXml ?? null,
    },
    sections: mergeParts(summary.sections).map((s) => ({ ...s, fields: pass.dumps.get(s.offset) })),
    ram: summary.ram.map((b) => ({ ...b, map: pass.pageMaps.find((m) => m.name === b.name) })),
    registers,
    registersCompared: registers.some((c) => c.rows.some((r) => r.status !== "source")),
  };
}

/** Consecutive PART sections of one section id as one entry; every other section as it is. */
function mergeParts(sections: readonly SectionSummary[]): (SectionSummary & { parts: number })[] {
  const out: (SectionSummary & { parts: number })[] = [];
  for (const s of sections) {
    const last = out[out.length - 1];
    if (s.type === "PART" && last?.type === "PART" && last.sectionId === s.sectionId) {
      last.size = s.offset + s.size - last.offset;
      last.parts++;
    } else out.push({ ...s, parts: 1 });
  }
  return out;
}

function damageLine(name: string, decoded: number, failure: unknown): string | undefined {
  if (failure === undefined) return undefined;
  const why = failure instanceof Error ? failure.message : String(failure);
  return `${name} is damaged or truncated after offset 0x${decoded.toString(16)}: ${why}. Shown as far as it decoded.`;
}
