import { ByteWriter, MalformedError, type ByteSource } from "@vmstate/wire";
import { QEMU_VM_FILE_MAGIC, QEMU_VM_FILE_VERSION, QEMU_VM_FILE_VERSION_COMPAT } from "./constants.js";
import type { HeaderRecord } from "./records.js";

export const HEADER_SIZE = 8;

/**
 * Reads the file header (migration/savevm.c: qemu_savevm_state_header) and refuses what
 * QEMU's loader refuses, with the same reasons.
 */
export async function readHeader(src: ByteSource): Promise<HeaderRecord> {
  const start = src.offset;
  await src.need(HEADER_SIZE, "the file header");
  // Read by hand, not with binary-parser: every rewrite starts here, and loading
  // binary-parser costs ~12 MB of memory and ~40 ms, a third of vmstate-rewrite's budget.
  src.mark();
  const magic = src.be32();
  const version = src.be32();
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
