/**
 * Lazy decoding of leaf values from a walked field tree. Encodings are those of
 * `migration/vmstate-types.c` (all big-endian, `qemu_put_be*`). A device may define infos
 * of its own (`VMStateInfo` in its target's code); their kinds live with that device's
 * package, and a caller that knows them passes a table that includes them.
 */
import { MalformedError } from "@vmstate/wire";
import { elementCount, type FieldTree } from "./field-tree.js";

/** How a leaf type is read: byte width, signedness, or boolean. */
export interface ScalarKind {
  width: 1 | 2 | 4 | 8;
  signed: boolean;
  bool?: boolean;
}

/** Leaf kinds by vmdesc `type` name (the VMStateInfo `.name`). */
export type ScalarKinds = Readonly<Record<string, ScalarKind>>;

/**
 * The generic leaf types of `migration/vmstate-types.c`. Note `int64 equal` is
 * `vmstate_info_uint64_equal`, an unsigned 64-bit value despite its name.
 */
export const VMSTATE_SCALAR_KINDS: ScalarKinds = {
  bool: { width: 1, signed: false, bool: true },
  int8: { width: 1, signed: true },
  uint8: { width: 1, signed: false },
  int16: { width: 2, signed: true },
  uint16: { width: 2, signed: false },
  int32: { width: 4, signed: true },
  uint32: { width: 4, signed: false },
  int64: { width: 8, signed: true },
  uint64: { width: 8, signed: false },
  "int32 equal": { width: 4, signed: true },
  "int32 le": { width: 4, signed: true },
  "uint8 equal": { width: 1, signed: false },
  "uint16 equal": { width: 2, signed: false },
  "uint32 equal": { width: 4, signed: false },
  "int64 equal": { width: 8, signed: false },
  timer: { width: 8, signed: false },
};

/** A decoded leaf: `number` up to 32 bits, `bigint` for 64 bits, `boolean` for bool types. */
export type ScalarValue = number | bigint | boolean;

/**
 * Reads the value of a single-element leaf node.
 * @param kinds the leaf types to know; add a device's own infos to read its custom fields.
 * @throws MalformedError code `VMDESC` if the node is an array, its type is not in `kinds`,
 *   or its described size does not match the type's width.
 */
export function readScalar(bytes: Uint8Array, node: FieldTree, kinds: ScalarKinds = VMSTATE_SCALAR_KINDS): ScalarValue {
  if (elementCount(node) !== 1) {
    throw new MalformedError("VMDESC", `field "${node.name}" has ${elementCount(node)} elements, not one`);
  }
  return readElement(bytes, node, 0, kinds);
}

/** Reads element `i` of a leaf node (a compressed array or a single element); `kinds` as for {@link readScalar}. */
export function readElement(bytes: Uint8Array, node: FieldTree, i: number, kinds: ScalarKinds = VMSTATE_SCALAR_KINDS): ScalarValue {
  const kind = kindOf(node, kinds);
  const at = elementOffset(node, i, kind.width);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind.width) {
    case 1: {
      const v = kind.signed ? view.getInt8(at) : view.getUint8(at);
      return kind.bool ? v !== 0 : v;
    }
    case 2: return kind.signed ? view.getInt16(at) : view.getUint16(at);
    case 4: return kind.signed ? view.getInt32(at) : view.getUint32(at);
    case 8: return kind.signed ? view.getBigInt64(at) : view.getBigUint64(at);
  }
}

/** Reads element `i` of a node of 8-byte elements as an unsigned 64-bit value. */
export function readUint64Element(bytes: Uint8Array, node: FieldTree, i: number): bigint {
  const at = elementOffset(node, i, 8);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at);
}

/** All elements of a node of 8-byte elements, as unsigned 64-bit values. */
export function readUint64Array(bytes: Uint8Array, node: FieldTree): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < elementCount(node); i++) out.push(readUint64Element(bytes, node, i));
  return out;
}

/**
 * All bytes a node covers (a view, not a copy); for an old-style device
 * (`savevm.c:vmstate_save_old_style`) its single `data` field is the whole opaque blob.
 */
export function fieldBytes(bytes: Uint8Array, node: FieldTree): Uint8Array {
  return bytes.subarray(node.start, node.end);
}

/** The bytes of element `i` of a node (a view, not a copy). */
export function elementBytes(bytes: Uint8Array, node: FieldTree, i: number): Uint8Array {
  const size = node.elementSize ?? node.end - node.start;
  const at = elementOffset(node, i, size);
  return bytes.subarray(at, at + size);
}

function kindOf(node: FieldTree, kinds: ScalarKinds): ScalarKind {
  const kind = kinds[node.type];
  if (kind === undefined) throw new MalformedError("VMDESC", `field "${node.name}" has type "${node.type}", not a known scalar type`);
  return kind;
}

function elementOffset(node: FieldTree, i: number, width: number): number {
  if (node.elementSize !== undefined && node.elementSize !== width) {
    throw new MalformedError("VMDESC", `field "${node.name}" (${node.type}) is described with size ${node.elementSize}, expected ${width}`);
  }
  const n = elementCount(node);
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`element ${i} of "${node.name}" is out of range (0..${n - 1})`);
  const at = node.start + i * width;
  if (at + width > node.end) throw new RangeError(`element ${i} of "${node.name}" lies outside the node`);
  return at;
}
