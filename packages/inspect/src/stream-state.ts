/**
 * One pass over a stream that keeps what the comparing views (`cpregs`, `diff`, `explain`)
 * need: the header-level facts, the RAM block list, every START/FULL section, and each
 * device section's payload with its field tree and, for Arm `cpu` sections, its register
 * list. Device payloads are copied (kilobytes each); RAM pages are never kept, so memory
 * stays bounded whatever the guest size.
 *
 * Forensic by design: a damaged stream does not throw here. The state holds everything
 * decoded before the damage and the error, so a command can print what it has and then
 * report the error (docs/design.md, "Errors").
 */
import {
  StreamDecoder, SummaryCollector, type DecodeOptions, type DeviceRecord, type SectionSummary, type StreamInfo, type StreamRecord,
} from "@vmstate/stream";
import type { DeviceDesc, FieldTree } from "@vmstate/vmsd";
import { readCpregArrays, type CpregArrays } from "@vmstate/arm";
import type { ByteInput } from "@vmstate/wire";

/** A START or FULL section as its header announces it. */
export interface SectionEntry {
  type: "start" | "full";
  sectionId: number;
  idstr: string;
  instanceId: number;
  version: number;
  /** Absolute offset of the section header. */
  offset: number;
}

/** A FULL section's payload, walked when the stream allowed it. */
export interface DeviceState extends SectionEntry {
  type: "full";
  /** The payload bytes (a copy); field tree spans index into it. */
  payload: Uint8Array;
  /** Absolute offset of `payload[0]`. */
  payloadOffset: number;
  /** The vmdesc entry, when the stream had a vmdesc. */
  desc: DeviceDesc | undefined;
  /** Undefined when the section could only be carried as opaque bytes. */
  fields: FieldTree | undefined;
  /** The register list of an Arm `cpu` section; undefined for every other section. */
  cpregs: CpregArrays | undefined;
}

/** A RAM block from the MEM_SIZE list of the `ram` START section. */
export interface RamBlockState {
  idstr: string;
  usedLength: bigint;
}

/** Everything the comparing views read from one stream. */
export interface StreamState {
  /** Display name of the input (a path, or `<stdin>`). */
  name: string;
  machine: string | undefined;
  /** From the configuration's target-page-bits, the vmdesc, or a decode option. */
  pageSize: number | undefined;
  /** The configuration's `target-page-bits` subsection value, when present. */
  targetPageBits: number | undefined;
  configuration: boolean;
  footers: boolean | undefined;
  vmdesc: boolean | undefined;
  /** Top-level vmdesc keys (`configuration` appears from QEMU 8.2). */
  vmdescKeys: string[];
  capabilities: string[];
  /** Command names in stream order, without repeats. */
  commands: string[];
  ramBlocks: RamBlockState[];
  /** Every START and FULL section, in stream order. */
  sections: SectionEntry[];
  /** The FULL sections, in stream order. */
  devices: DeviceState[];
  /** Absolute offset just past the last decoded record. */
  decodedBytes: number;
  /** The error that ended decoding early, or undefined when the whole stream decoded. */
  failure: unknown;
  /** Why the device state could not be checked, when it could not (`StreamInfo.unverified`). */
  unverified: string | undefined;
}

/** Reads a whole stream into a {@link StreamState}; never throws for damaged input. */
export async function readStreamState(input: ByteInput, name: string, options?: DecodeOptions): Promise<StreamState> {
  // Only the block list is wanted of RAM, and the decoder keeps it: no record per page.
  const decoder = new StreamDecoder(input, { ramRecords: false, ...options });
  const collector = new StreamStateCollector(name);
  let failure: unknown;
  try {
    for await (const rec of decoder.records()) collector.add(rec);
  } catch (e) {
    failure = e;
  }
  return collector.result(decoder.info, decoder.offset, failure);
}

/**
 * Builds a {@link StreamState} from records as a decoder yields them, for a caller that
 * drives the decoder itself (the rewrite pipeline's `--fit`, which must not read the
 * stream twice).
 */
export class StreamStateCollector {
  // The commands, vmdesc keys and sections come from the `summary` view's collector, so the
  // comparing views and `summary` cannot disagree about them.
  private readonly summary = new SummaryCollector();
  private readonly devices: DeviceState[] = [];
  private targetPageBits: number | undefined;

  constructor(private readonly name: string) {}

  add(rec: StreamRecord): void {
    this.summary.add(rec);
    if (rec.kind === "configuration") this.targetPageBits = rec.targetPageBits;
    else if (rec.kind === "device") {
      const device = deviceState(rec, this.summary.openSection);
      if (device) this.devices.push(device);
    }
  }

  /** The state after the last record added; `offset` is where decoding stopped, `failure` what stopped it early. */
  result(info: StreamInfo, offset: number, failure?: unknown): StreamState {
    // Records before the damage say less than the decoder: it got past the last good page.
    const { features, sections, bytes } = this.summary.result(info, offset);
    return {
      name: this.name,
      machine: info.machine,
      pageSize: info.ram.pageSize,
      targetPageBits: this.targetPageBits,
      configuration: info.configuration,
      footers: info.footers,
      vmdesc: info.vmdesc,
      vmdescKeys: features.vmdescKeys,
      capabilities: info.capabilities,
      commands: features.commands,
      ramBlocks: [...info.ram.blocks].map(([idstr, usedLength]) => ({ idstr, usedLength })),
      sections: sections.flatMap((s) => sectionEntry(s) ?? []),
      devices: this.devices,
      decodedBytes: bytes,
      failure,
      unverified: info.unverified,
    };
  }
}

/** START and FULL headers name a section; PART and END only continue a START. */
function sectionEntry(s: Readonly<SectionSummary>): SectionEntry | undefined {
  if (s.type === "PART" || s.type === "END") return undefined;
  return {
    type: s.type === "START" ? "start" : "full",
    sectionId: s.sectionId,
    idstr: s.name,
    instanceId: s.instanceId,
    version: s.version,
    offset: s.offset,
  };
}

/** A FULL section's payload, copied because `rec.bytes` is only valid until the next record. */
function deviceState(rec: DeviceRecord, section: Readonly<SectionSummary> | undefined): DeviceState | undefined {
  const entry = section && sectionEntry(section);
  if (entry?.type !== "full") return undefined;
  const payload = rec.bytes.slice();
  const cpregs = rec.fields ? readCpregArrays(payload, rec.fields, rec.start) : undefined;
  return { ...entry, type: "full", payload, payloadOffset: rec.start, desc: rec.desc, fields: rec.fields, cpregs };
}

/** A section's identity across streams: QEMU matches sections by idstr and instance id. */
export function sectionKey(s: { idstr: string; instanceId: number }): string {
  return `${s.idstr} (${s.instanceId})`;
}

/** The Arm `cpu` sections of a state that carry a register list, in stream order. */
export function armCpus(state: StreamState): DeviceState[] {
  return state.devices.filter((d) => d.cpregs !== undefined);
}
