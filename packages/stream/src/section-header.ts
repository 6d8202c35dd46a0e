import { ByteWriter, MalformedError, TruncatedError, decodeLatin1, readBe32, type ByteSource } from "@vmstate/wire";
import { QEMU_VM } from "./constants.js";
import { writeCountedString } from "./counted-string.js";
import type { FooterRecord, SectionRecord, SectionType } from "./records.js";

const TYPE_NAMES: Record<number, SectionType> = {
  [QEMU_VM.SECTION_START]: "start",
  [QEMU_VM.SECTION_PART]: "part",
  [QEMU_VM.SECTION_END]: "end",
  [QEMU_VM.SECTION_FULL]: "full",
};

const TYPE_BYTES: Record<SectionType, number> = {
  start: QEMU_VM.SECTION_START,
  part: QEMU_VM.SECTION_PART,
  end: QEMU_VM.SECTION_END,
  full: QEMU_VM.SECTION_FULL,
};

/** What a PART/END needs from its START. */
export interface SectionInfo {
  idstr: string;
  instanceId: number;
  version: number;
}

/**
 * Reads a section header at the current position (its type byte not yet consumed).
 * PART/END carry only the id; `known` gives the START it continues
 * (savevm.c: qemu_loadvm_section_part_end refuses an unknown id, so do we).
 */
export async function readSectionHeader(
  src: ByteSource,
  known: ReadonlyMap<number, SectionInfo>,
): Promise<SectionRecord> {
  const start = src.offset;
  await src.need(5, "a section header");
  const typeByte = src.peekU8();
  const type = TYPE_NAMES[typeByte];
  if (type === undefined) throw new RangeError(`not a section type byte: ${typeByte}`);
  if (type === "part" || type === "end") {
    src.mark();
    src.u8();
    const sectionId = src.be32();
    const info = known.get(sectionId);
    if (info === undefined) {
      throw new MalformedError("UNKNOWN_SECTION", `section ${type.toUpperCase()} for unknown section id ${sectionId}`, {
        offset: start,
      });
    }
    return { kind: "section", type, sectionId, ...info, start, end: src.offset, bytes: src.sliceFromMark() };
  }
  // START/FULL: type, be32 section id, counted idstr, be32 instance, be32 version
  // (savevm.c: save_section_header). Read by hand for the reason given in header.ts.
  await src.need(6, "a section header");
  const idLen = src.peekU8(5);
  if (idLen === 0) throw new MalformedError("MALFORMED", "empty section name", { offset: start + 5 });
  await src.need(6 + idLen + 8, "a section header");
  src.mark();
  src.u8();
  const sectionId = src.be32();
  src.u8();
  const idstr = decodeLatin1(src.bytes(idLen));
  const instanceId = src.be32();
  const version = src.be32();
  return { kind: "section", type, sectionId, idstr, instanceId, version, start, end: src.offset, bytes: src.sliceFromMark() };
}

/** A START/FULL header's fields, read from a buffer; `end` is the index of the first payload byte. */
export interface FullHeaderAt {
  sectionId: number;
  idstr: string;
  instanceId: number;
  version: number;
  end: number;
}

/**
 * The START/FULL header at `bytes[pos]` (its type byte is not checked), or undefined when its
 * name is empty or the header does not fit before `end`. The buffer counterpart of
 * (internal) `readSectionHeader`, for code that looks at bytes it already holds.
 */
export function parseFullHeaderAt(bytes: Uint8Array, pos: number, end: number): FullHeaderAt | undefined {
  if (pos + 6 > end) return undefined;
  const len = bytes[pos + 5]!;
  const after = pos + 6 + len + 8;
  if (len === 0 || after > end) return undefined;
  return {
    sectionId: readBe32(bytes, pos + 1),
    idstr: decodeLatin1(bytes.subarray(pos + 6, pos + 6 + len)),
    instanceId: readBe32(bytes, pos + 6 + len),
    version: readBe32(bytes, pos + 10 + len),
    end: after,
  };
}

export function encodeSectionHeader(rec: SectionRecord): Uint8Array {
  const w = new ByteWriter(32).u8(TYPE_BYTES[rec.type]).be32(rec.sectionId);
  if (rec.type === "start" || rec.type === "full") {
    writeCountedString(w, rec.idstr).be32(rec.instanceId).be32(rec.version);
  }
  return w.finish();
}

export const FOOTER_SIZE = 5;

/** True when a footer for `sectionId` is next (savevm.c: save_section_footer). */
export async function footerFollows(src: ByteSource, sectionId: number): Promise<boolean> {
  try {
    await src.need(FOOTER_SIZE);
  } catch (e) {
    if (e instanceof TruncatedError) return false;
    throw e;
  }
  return src.peekU8() === QEMU_VM.SECTION_FOOTER && src.peekBe32(1) === sectionId;
}

/** True when `bytes[pos]` starts a footer for `sectionId` that ends by `end`. */
export function footerAt(bytes: Uint8Array, pos: number, sectionId: number, end: number): boolean {
  return pos + FOOTER_SIZE <= end && bytes[pos] === QEMU_VM.SECTION_FOOTER && readBe32(bytes, pos + 1) === sectionId;
}

/**
 * Reads the footer QEMU's check_section_footer expects, with its error texts' meaning:
 * a missing footer and a footer of another section are told apart.
 */
export async function readFooter(src: ByteSource, sectionId: number, path: string): Promise<FooterRecord> {
  const start = src.offset;
  await src.need(FOOTER_SIZE, `the footer of ${path}`);
  if (src.peekU8() !== QEMU_VM.SECTION_FOOTER) {
    throw new MalformedError("BAD_FOOTER", `missing section footer (found byte 0x${src.peekU8().toString(16)})`, {
      offset: start,
      path,
    });
  }
  src.mark();
  src.u8();
  const id = src.be32();
  if (id !== sectionId) {
    throw new MalformedError("BAD_FOOTER", `footer names section ${id}, expected ${sectionId}`, { offset: start, path });
  }
  return { kind: "footer", sectionId, start, end: src.offset, bytes: src.sliceFromMark() };
}

export function encodeFooter(rec: FooterRecord): Uint8Array {
  return new ByteWriter(FOOTER_SIZE).u8(QEMU_VM.SECTION_FOOTER).be32(rec.sectionId).finish();
}
