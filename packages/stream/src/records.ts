import type { Vmdesc, DeviceDesc, FieldTree } from "@vmstate/vmsd";

/**
 * The records a stream decodes into, in stream order. Every record knows its absolute
 * `start`/`end` offsets and its original `bytes`, so an untouched record is written back as it
 * came; the structured fields let the encoder serialize it anew (and the tests prove both
 * give the same bytes).
 */
export type StreamRecord =
  | LibvirtHeaderRecord
  | HeaderRecord
  | ConfigurationRecord
  | SectionRecord
  | RamRecord
  | DeviceRecord
  | FooterRecord
  | CommandRecord
  | EofRecord
  | VmdescRecord
  | OpaqueRecord;

interface Span {
  /** Absolute offset of the first byte. */
  start: number;
  /** Absolute offset after the last byte. */
  end: number;
  /** The original bytes (a view; copy to keep beyond the next record). */
  bytes: Uint8Array;
}

/** The `virsh save` wrapper before the QEMU stream (libvirt's virQEMUSaveHeader + XML). */
export interface LibvirtHeaderRecord extends Span {
  kind: "libvirt";
  /** False for a `LibvirtQemudPart` image: libvirt never finished writing it. */
  complete: boolean;
  /** Byte order of the saving host. */
  endianness: "little" | "big";
  wasRunning: boolean;
  format: string;
  domainXml: string;
  cookieXml: string | undefined;
}

export interface HeaderRecord extends Span {
  kind: "header";
  magic: number;
  version: number;
}

export interface ConfigSubsection {
  name: string;
  version: number;
  /** The subsection's field bytes after its marker, name and version. */
  body: Uint8Array;
}

export interface ConfigurationRecord extends Span {
  kind: "configuration";
  /** Machine type, e.g. `virt-7.2`. */
  machine: string;
  subsections: ConfigSubsection[];
  targetPageBits: number | undefined;
  capabilities: string[];
  uuid: Uint8Array | undefined;
}

export type SectionType = "start" | "part" | "end" | "full";

/** A section header; for START/FULL with its name, instance and version. */
export interface SectionRecord extends Span {
  kind: "section";
  type: SectionType;
  sectionId: number;
  /** From the header (START/FULL) or from the START this PART/END continues. */
  idstr: string;
  instanceId: number;
  version: number;
}

export type RamRecordType =
  | "mem_size"
  | "zero"
  | "page"
  | "xbzrle"
  | "compressed"
  | "multifd_flush"
  | "eos";

export interface RamBlockEntry {
  idstr: string;
  usedLength: bigint;
  /** Guest physical base, present with x-ignore-shared. */
  addr?: bigint;
  /** With capability mapped-ram: the block's header and what its bitmap says. */
  mappedRam?: MappedRamBlock;
}

/** A block's MappedRamHeader (wire-format.md §9.9) and its bitmap's page count. */
export interface MappedRamBlock {
  version: number;
  pageSize: number;
  /** Absolute file offsets. */
  bitmapOffset: number;
  pagesOffset: number;
  /** Pages in the block, and how many of them the bitmap marks as written. */
  pages: number;
  presentPages: number;
}

export interface RamRecord extends Span {
  kind: "ram";
  sectionId: number;
  type: RamRecordType;
  /**
   * Offset inside the RAM block (or the total size for mem_size). A mem_size record of a
   * mapped-ram stream spans the blocks' page areas; its `bytes` are empty (not kept).
   */
  offset: number;
  flags: number;
  /** Block name: written in the record unless CONTINUE is set. */
  block: string;
  /** Whether the record carried CONTINUE (no name on the wire). */
  continued: boolean;
  /** ZERO: the fill byte. */
  fill?: number;
  /** PAGE: the page; XBZRLE / COMPRESS_PAGE: the encoded payload, possibly empty. Set for exactly these three types. */
  payload?: Uint8Array;
  /** MEM_SIZE: the block list. */
  blocks?: RamBlockEntry[];
}

/** The payload of a FULL section (device state), with its field tree when we could walk it. */
export interface DeviceRecord extends Span {
  kind: "device";
  sectionId: number;
  idstr: string;
  instanceId: number;
  version: number;
  /** The vmdesc entry that described it, when there was a vmdesc. */
  desc: DeviceDesc | undefined;
  /** Fields with spans relative to `bytes`; undefined when carried opaque. */
  fields: FieldTree | undefined;
  /** How the end was found: vmdesc walk, built-in schema, footer search. */
  delimitedBy: "vmdesc" | "schema" | "footer-scan";
}

export interface FooterRecord extends Span {
  kind: "footer";
  sectionId: number;
}

export interface CommandRecord extends Span {
  kind: "command";
  cmd: number;
  name: string;
  payload: Uint8Array;
}

export interface EofRecord extends Span {
  kind: "eof";
}

export interface VmdescRecord extends Span {
  kind: "vmdesc";
  /** The JSON text bytes (without the 0x06 and length word). */
  json: Uint8Array;
  doc: Vmdesc;
}

/** Bytes we could not delimit into records; kept so nothing is lost. */
export interface OpaqueRecord extends Span {
  kind: "opaque";
  reason: string;
}
