import { Parser } from "binary-parser/dist/binary_parser.js";
import { ByteWriter, MalformedError, type ByteSource } from "@vmstate/wire";
import { QEMU_VM_FILE_MAGIC, QEMU_VM_FILE_VERSION, QEMU_VM_FILE_VERSION_COMPAT } from "./constants.js";
import type { HeaderRecord } from "./records.js";

/** 8 fixed bytes: a fit for binary-parser (read once per stream, never on a hot path). */
const headerParser = new Parser().endianness("big").uint32("magic").uint32("version");

export const HEADER_SIZE = 8;

/**
 * Reads the file header (migration/savevm.c: qemu_savevm_state_header) and refuses what
 * QEMU's loader refuses, with the same reasons.
 */
export async function readHeader(src: ByteSource): Promise<HeaderRecord> {
  const start = src.offset;
  await src.need(HEADER_SIZE, "the file header");
  src.mark();
  const raw = src.bytes(HEADER_SIZE);
  const { magic, version } = headerParser.parse(raw) as { magic: number; version: number };
  if (magic !== QEMU_VM_FILE_MAGIC) {
    throw new MalformedError(
      "BAD_MAGIC",
      `not a QEMU migration stream: magic 0x${magic.toString(16).padStart(8, "0")}, expected 0x5145564d ("QEVM")`,
      { offset: start },
    );
  }
  if (version === QEMU_VM_FILE_VERSION_COMPAT) {
    throw new MalformedError("BAD_VERSION", "stream format version 2 is obsolete (QEMU refuses it too)", {
      offset: start + 4,
    });
  }
  if (version !== QEMU_VM_FILE_VERSION) {
    throw new MalformedError("BAD_VERSION", `unsupported stream format version ${version}, expected 3`, {
      offset: start + 4,
    });
  }
  return { kind: "header", start, end: src.offset, bytes: src.sliceFromMark(), magic, version };
}

export function encodeHeader(rec: HeaderRecord): Uint8Array {
  return new ByteWriter(HEADER_SIZE).be32(rec.magic).be32(rec.version).finish();
}
