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
import { StreamDecoder, type DecodeOptions, type StreamRecord } from "@vmstate/stream";
import { readCpregArrays, type CpregArrays, type DeviceDesc, type FieldTree } from "@vmstate/vmsd";
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
}

/** Reads a whole stream into a {@link StreamState}; never throws for damaged input. */
export async function readStreamState(input: ByteInput, name: string, options?: DecodeOptions): Promise<StreamState> {
  // Only the block list is wanted of RAM, and the decoder keeps it: no record per page.
  const decoder = new StreamDecoder(input, { ramRecords: false, ...options });
  const state: StreamState = {
    name,
    machine: undefined,
    pageSize: undefined,
    targetPageBits: undefined,
    configuration: false,
    footers: undefined,
    vmdesc: undefined,
    vmdescKeys: [],
    capabilities: [],
    commands: [],
    ramBlocks: [],
    sections: [],
    devices: [],
    decodedBytes: 0,
    failure: undefined,
  };
  let open: SectionEntry | undefined;
  try {
    for await (const rec of decoder.records()) {
      open = addRecord(state, rec, open);
      state.decodedBytes = rec.end;
    }
  } catch (e) {
    state.failure = e;
  }
  // Records before the damage say less than the decoder: it got past the last good page.
  state.decodedBytes = Math.max(state.decodedBytes, decoder.offset);
  const info = decoder.info;
  state.machine = info.machine;
  state.configuration = info.configuration;
  state.capabilities = info.capabilities;
  state.footers = info.footers;
  state.vmdesc = info.vmdesc;
  state.pageSize = info.ram.pageSize;
  state.ramBlocks = [...info.ram.blocks].map(([idstr, usedLength]) => ({ idstr, usedLength }));
  return state;
}

function addRecord(state: StreamState, rec: StreamRecord, open: SectionEntry | undefined): SectionEntry | undefined {
  switch (rec.kind) {
    case "configuration":
      state.targetPageBits = rec.targetPageBits;
      return open;
    case "section":
      if (rec.type === "start" || rec.type === "full") {
        const entry: SectionEntry = {
          type: rec.type,
          sectionId: rec.sectionId,
          idstr: rec.idstr,
          instanceId: rec.instanceId,
          version: rec.version,
          offset: rec.start,
        };
        state.sections.push(entry);
        return entry;
      }
      return undefined;
    case "device": {
      if (open === undefined || open.type !== "full") return open;
      const payload = rec.bytes.slice();
      const cpregs = rec.fields ? readCpregArrays(payload, rec.fields, rec.start) : undefined;
      state.devices.push({ ...open, type: "full", payload, payloadOffset: rec.start, desc: rec.desc, fields: rec.fields, cpregs });
      return open;
    }
    case "command":
      if (!state.commands.includes(rec.name)) state.commands.push(rec.name);
      return open;
    case "vmdesc":
      state.vmdescKeys = Object.keys(rec.doc);
      return open;
    default:
      return open;
  }
}

/** A section's identity across streams: QEMU matches sections by idstr and instance id. */
export function sectionKey(s: { idstr: string; instanceId: number }): string {
  return `${s.idstr} (${s.instanceId})`;
}

/** The Arm `cpu` sections of a state that carry a register list, in stream order. */
export function armCpus(state: StreamState): DeviceState[] {
  return state.devices.filter((d) => d.cpregs !== undefined);
}
