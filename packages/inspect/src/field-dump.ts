/**
 * `dump`'s own model of a device section: every field with its type, absolute offset, size
 * and decoded value(s), nested structs and subsections, as plain JSON-ready data. Unlike the
 * analyze-migration view it keeps where each value sits in the file and its type, which is what
 * a person chasing a bad byte needs; the CLI turns it into text or prints it as JSON.
 *
 * Values ({@link DumpValue}) follow the widths of `migration/vmstate-types.c`:
 * booleans as JSON booleans; integers up to 32 bits as JSON numbers (signed types signed);
 * 64-bit integers as strings, `0x%016x` for unsigned types and decimal for signed ones, since
 * JSON numbers cannot hold them (timers and the Arm `fpcr`/`fpsr`/`pstate64` are unsigned
 * 64-bit); `nullptr` as null; capability names as strings; anything else (buffers, custom
 * infos of unknown width, a size that disagrees with the type) as hex digits, no separators.
 */
import type { DeviceRecord } from "@vmstate/stream";
import { hex64, printable } from "@vmstate/wire";
import type { FieldTree } from "@vmstate/vmsd";
import { SCALAR_KINDS } from "@vmstate/stream";
import { hexBytes } from "./analyze-values.js";

export type DumpValue = number | string | boolean | null;

/** One field entry: a leaf (values), a struct (struct) or a struct array (elements). */
export interface DumpField {
  name: string;
  type: string;
  /** Absolute offset of the first byte in the input. */
  offset: number;
  /** Bytes the entry covers. */
  size: number;
  /** The vmdesc `index` of an uncompressed array element. */
  index?: number;
  /** The vmdesc `array_len` of a compressed array. */
  count?: number;
  /** Leaf values, one per element. */
  values?: DumpValue[];
  /** A single struct's contents. */
  struct?: DumpVmsd;
  /** A struct array's elements. */
  elements?: DumpVmsd[];
}

/** The contents of a vmsd: fields, then subsections. */
export interface DumpVmsd {
  fields: DumpField[];
  subsections?: DumpSubsection[];
}

export interface DumpSubsection extends DumpVmsd {
  name: string;
  version: number;
  offset: number;
  size: number;
}

/** One FULL section. `fields` is absent when nothing could describe its layout. */
export interface DumpSection {
  name: string;
  instanceId: number;
  sectionId: number;
  version: number;
  vmsdName?: string;
  /** Absolute offset of the payload (after the section header). */
  offset: number;
  size: number;
  /** What delimited it: the vmdesc, the built-in schema, or only the footer (opaque). */
  delimitedBy: DeviceRecord["delimitedBy"];
  fields?: DumpField[];
  subsections?: DumpSubsection[];
  /** For an opaque section: why its fields are not shown. */
  opaque?: string;
}

/** Decodes one device record into the dump model. */
export function dumpSection(rec: DeviceRecord): DumpSection {
  const out: DumpSection = {
    name: printable(rec.idstr),
    instanceId: rec.instanceId,
    sectionId: rec.sectionId,
    version: rec.version,
    offset: rec.start,
    size: rec.end - rec.start,
    delimitedBy: rec.delimitedBy,
  };
  const vmsdName = rec.desc?.vmsd_name;
  if (typeof vmsdName === "string") out.vmsdName = printable(vmsdName);
  if (rec.fields === undefined) {
    out.opaque = "no vmdesc and no built-in schema describe this section's fields";
    return out;
  }
  return { ...out, ...dumpVmsd(rec.fields, rec.bytes, rec.start) };
}

function dumpVmsd(node: FieldTree, bytes: Uint8Array, base: number): DumpVmsd {
  const out: DumpVmsd = { fields: (node.children ?? []).map((c) => dumpField(c, bytes, base)) };
  if (node.subsections?.length) {
    out.subsections = node.subsections.map((s) => ({
      name: printable(s.name),
      version: s.version,
      offset: base + s.start,
      size: s.end - s.start,
      ...dumpVmsd(s, bytes, base),
    }));
  }
  return out;
}

function dumpField(node: FieldTree, bytes: Uint8Array, base: number): DumpField {
  const f: DumpField = { name: printable(node.name), type: printable(node.type), offset: base + node.start, size: node.end - node.start };
  if (node.index !== undefined) f.index = node.index;
  if (node.arrayLen !== undefined) f.count = node.arrayLen;
  if (node.type === "struct") {
    if (node.arrayLen === undefined) f.struct = dumpVmsd(node, bytes, base);
    else f.elements = (node.children ?? []).map((el) => dumpVmsd(el, bytes, base));
    return f;
  }
  const n = node.arrayLen ?? 1;
  const size = node.elementSize;
  if (size === undefined || n * size !== node.end - node.start) {
    // Variable-size elements (capability names) or inline vstruct/tmp data: one blob.
    f.values = [leafValue(node.type, bytes.subarray(node.start, node.end))];
    return f;
  }
  f.values = [];
  for (let i = 0; i < n; i++) f.values.push(leafValue(node.type, bytes.subarray(node.start + i * size, node.start + (i + 1) * size)));
  return f;
}

/** Decodes one element by its vmdesc type (see the module comment for the representation). */
function leafValue(type: string, b: Uint8Array): DumpValue {
  if (type === "nullptr") return null;
  if (type === "capability") return new TextDecoder().decode(b.subarray(1));
  const kind = SCALAR_KINDS[type];
  if (kind === undefined || kind.width !== b.length) return hexBytes(b);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (kind.bool) return b[0] !== 0;
  switch (kind.width) {
    case 1:
      return kind.signed ? view.getInt8(0) : view.getUint8(0);
    case 2:
      return kind.signed ? view.getInt16(0) : view.getUint16(0);
    case 4:
      return kind.signed ? view.getInt32(0) : view.getUint32(0);
    case 8:
      return kind.signed ? view.getBigInt64(0).toString() : hex64(view.getBigUint64(0));
  }
}
