import { createHash } from "node:crypto";

/**
 * The undo record of an in-place tail rewrite: the bytes the rewrite is about to replace,
 * and where they go back. It is written and synced beside the file before the file is
 * touched, so that whatever instant a crash strikes, the next run can put the old end back.
 *
 * Layout (big-endian): the 16-byte magic `vmstate-undo\0\0\0\x01`; be64 device and be64
 * inode of the file it belongs to; be64 offset of the old tail; be64 the file's old size;
 * then the old tail (old size − offset bytes); then the SHA-256 of everything before. A
 * record that is short, or whose digest does not match, was cut short by a crash while it
 * was being written: the file was not touched yet.
 */
export interface UndoRecord {
  dev: bigint;
  ino: bigint;
  offset: number;
  oldSize: number;
  oldTail: Uint8Array;
}

const MAGIC = Buffer.from("vmstate-undo\0\0\0\x01", "latin1");
const FIXED = MAGIC.length + 4 * 8;
const DIGEST = 32;

export function encodeUndo(r: UndoRecord): Uint8Array {
  const out = Buffer.alloc(FIXED + r.oldTail.length + DIGEST);
  MAGIC.copy(out, 0);
  out.writeBigUInt64BE(r.dev, 16);
  out.writeBigUInt64BE(r.ino, 24);
  out.writeBigUInt64BE(BigInt(r.offset), 32);
  out.writeBigUInt64BE(BigInt(r.oldSize), 40);
  out.set(r.oldTail, FIXED);
  createHash("sha256").update(out.subarray(0, FIXED + r.oldTail.length)).digest().copy(out, FIXED + r.oldTail.length);
  return out;
}

/**
 * The record; "incomplete" when it was cut short or damaged (see {@link UndoRecord}); "foreign"
 * when its first bytes are neither the magic nor zeros (a file system may leave zeros where a
 * crash stopped the write), so no run of vmstate-rewrite wrote it.
 */
export function decodeUndo(bytes: Uint8Array): UndoRecord | "incomplete" | "foreign" {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const start = b.subarray(0, MAGIC.length);
  if (!start.equals(MAGIC.subarray(0, start.length)) && start.some((x) => x !== 0)) return "foreign";
  if (b.length < FIXED + DIGEST || !start.equals(MAGIC)) return "incomplete";
  const offset = Number(b.readBigUInt64BE(32));
  const oldSize = Number(b.readBigUInt64BE(40));
  if (oldSize < offset || b.length !== FIXED + (oldSize - offset) + DIGEST) return "incomplete";
  const body = b.subarray(0, b.length - DIGEST);
  if (!createHash("sha256").update(body).digest().equals(b.subarray(b.length - DIGEST))) return "incomplete";
  return { dev: b.readBigUInt64BE(16), ino: b.readBigUInt64BE(24), offset, oldSize, oldTail: body.subarray(FIXED) };
}

/** Where the undo record of `path` lives: beside it, where the next run looks. */
export function undoPathOf(path: string): string {
  return `${path}.vmstate-undo`;
}
