import { readBe32, ByteWriter } from "@vmstate/wire";
import { QEMU_VM } from "./constants.js";

/** Where the end of a buffered device tail holds `00` EOF, `06`, be32 n, and n bytes of JSON. */
export interface VmdescFrame {
  /** Index of the EOF byte. */
  eof: number;
  /** Index of the 0x06 byte. */
  vmdesc: number;
  /** The JSON text. */
  json: Uint8Array;
}

/**
 * Finds the vmdesc trailer from the end of the tail (migration/savevm.c:
 * qemu_savevm_state_complete_precopy_non_iterable writes it last). QEMU's
 * analyze-migration.py searches for the last NUL before a `{`; we instead take the position
 * whose length word says exactly the rest of the input, preceded by EOF and followed by `{`,
 * which no JSON text can fake (it holds no NUL byte).
 */
export function locateVmdesc(tail: Uint8Array): VmdescFrame | undefined {
  for (let p = tail.length - 6; p >= 1; p--) {
    if (tail[p] !== QEMU_VM.VMDESCRIPTION || tail[p - 1] !== QEMU_VM.EOF || tail[p + 5] !== 0x7b) continue;
    if (readBe32(tail, p + 1) === tail.length - (p + 5)) {
      return { eof: p - 1, vmdesc: p, json: tail.subarray(p + 5) };
    }
  }
  return undefined;
}

export function encodeVmdescFrame(json: Uint8Array): Uint8Array {
  return new ByteWriter(5 + json.length).u8(QEMU_VM.VMDESCRIPTION).be32(json.length).bytes(json).finish();
}
