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

/** A place where a vmdesc frame may start: EOF, 0x06 and a length word, then `{`. */
export interface VmdescCandidate {
  /** Index of the EOF byte. */
  eof: number;
  /** Index of the 0x06 byte; the JSON starts 5 bytes later. */
  vmdesc: number;
  /** What the length word says. */
  declared: number;
}

/**
 * Every candidate frame in the tail, the last first. {@link locateVmdesc} takes the one whose
 * length word is exact; a verifier may look further at the others.
 */
export function* vmdescCandidates(tail: Uint8Array): Generator<VmdescCandidate> {
  for (let p = tail.length - 6; p >= 1; p--) {
    if (tail[p] !== QEMU_VM.VMDESCRIPTION || tail[p - 1] !== QEMU_VM.EOF || tail[p + 5] !== 0x7b) continue;
    yield { eof: p - 1, vmdesc: p, declared: readBe32(tail, p + 1) };
  }
}

/**
 * Finds the vmdesc trailer from the end of the tail (migration/savevm.c:
 * qemu_savevm_state_complete_precopy_non_iterable writes it last). QEMU's
 * analyze-migration.py searches for the last NUL before a `{`; we instead take the position
 * whose length word says exactly the rest of the input, preceded by EOF and followed by `{`,
 * which no JSON text can fake (it holds no NUL byte).
 */
export function locateVmdesc(tail: Uint8Array): VmdescFrame | undefined {
  for (const c of vmdescCandidates(tail)) {
    if (c.declared === tail.length - (c.vmdesc + 5)) return { eof: c.eof, vmdesc: c.vmdesc, json: tail.subarray(c.vmdesc + 5) };
  }
  return undefined;
}

/**
 * What follows an EOF byte that no exact frame follows: nothing, junk (no 0x06), a length
 * word cut short, or a vmdesc whose JSON is cut short, whole, or followed by extra bytes.
 * `rest` counts the bytes after the EOF byte; `json` is the index of the first JSON byte,
 * `declared` what the length word says and `present` the bytes after it.
 */
export type AfterEof =
  | { kind: "nothing" | "junk" | "length-cut"; rest: number }
  | { kind: "cut" | "whole" | "extra"; rest: number; json: number; declared: number; present: number };

export function describeAfterEof(tail: Uint8Array, eof: number): AfterEof {
  const rest = tail.length - (eof + 1);
  if (rest === 0) return { kind: "nothing", rest };
  if (tail[eof + 1] !== QEMU_VM.VMDESCRIPTION) return { kind: "junk", rest };
  if (rest < 5) return { kind: "length-cut", rest };
  const declared = readBe32(tail, eof + 2);
  const present = rest - 5;
  const kind = present < declared ? "cut" : present > declared ? "extra" : "whole";
  return { kind, rest, json: eof + 6, declared, present };
}

export function encodeVmdescFrame(json: Uint8Array): Uint8Array {
  return new ByteWriter(5 + json.length).u8(QEMU_VM.VMDESCRIPTION).be32(json.length).bytes(json).finish();
}
