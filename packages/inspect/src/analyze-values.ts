/**
 * Device state in the shape QEMU's `scripts/analyze-migration.py` gives it (`-d state`): one
 * ordered dictionary per vmsd, field names as keys, values formatted by the script's reader
 * classes. We walk the section with our own walker (`@vmstate/vmsd`) and only format here, so
 * the same field tree feeds `dump`'s text and JSON views and this compatibility view.
 *
 * The script's rules, as observed in its reader table (`vmsd_field_readers`):
 * - signed integer types (`int8` … `int64`, `int32 equal`, `int32 le`, `int64 equal`,
 *   `uint8 equal`, `uint16 equal`) print `0x` + the unsigned value in `2 × size` hex digits,
 *   followed by ` (<signed decimal>)` when negative; `size` is the described size, not the
 *   type's width; `int32 le` is read big-endian like the rest;
 * - unsigned types (`uint8` … `uint64`, `uint32 equal`) print the hex form only;
 * - `bool` is JSON `true`/`false` from the first byte;
 * - `nullptr` prints `nullptr`;
 * - `struct` nests a dictionary; every other type (`timer`, `buffer`, `cpsr`, `vstruct`, …)
 *   prints its bytes as two-digit hex separated by single spaces;
 * - array elements, `index` entries and repeated names are gathered into lists
 *   ({@link gatherField}); subsections become nested dictionaries keyed by their name.
 */
import type { FieldTree } from "@vmstate/vmsd";
import { gatherField, type PyDict, type PyValue } from "./python-json.js";

const SIGNED_TYPES = new Set([
  "int8", "int16", "int32", "int64", "int32 equal", "int32 le", "int64 equal", "uint8 equal", "uint16 equal",
]);
const UNSIGNED_TYPES = new Set(["uint8", "uint16", "uint32", "uint64", "uint32 equal"]);

/**
 * The dictionary of one vmsd level: its fields then its subsections. `node` is a section root,
 * a subsection or a struct element from a walk over `bytes`.
 */
export function analyzeVmsd(node: FieldTree, bytes: Uint8Array): PyDict {
  const dict: PyDict = new Map();
  for (const field of node.children ?? []) {
    for (const value of analyzeField(field, bytes)) gatherField(dict, field.name, value);
  }
  for (const sub of node.subsections ?? []) dict.set(sub.name, analyzeVmsd(sub, bytes));
  return dict;
}

/** One value per element of a field entry (one for a single field). */
function analyzeField(node: FieldTree, bytes: Uint8Array): PyValue[] {
  if (node.type === "struct") {
    // A struct array's children are its elements; a single struct's children are its fields.
    return node.arrayLen === undefined ? [analyzeVmsd(node, bytes)] : (node.children ?? []).map((el) => analyzeVmsd(el, bytes));
  }
  const out: PyValue[] = [];
  const n = node.arrayLen ?? 1;
  for (let i = 0; i < n; i++) out.push(formatLeaf(node.type, elementSpan(node, i, bytes)));
  return out;
}

/**
 * The bytes of element `i`. A `vstruct`/`tmp` entry was walked into (its children are its
 * inner fields, or its elements when it is an array) but the script reads it as a flat blob.
 */
function elementSpan(node: FieldTree, i: number, bytes: Uint8Array): Uint8Array {
  if (node.arrayLen === undefined) return bytes.subarray(node.start, node.end);
  const el = node.children?.[i];
  if (el !== undefined) return bytes.subarray(el.start, el.end);
  if (node.elementSize === undefined) {
    // Variable-size elements (capability names): only the configuration has them.
    return bytes.subarray(node.start, node.end);
  }
  const at = node.start + i * node.elementSize;
  return bytes.subarray(at, at + node.elementSize);
}

/** Formats one element's bytes by its vmdesc type, as the script's reader for it would. */
export function formatLeaf(type: string, b: Uint8Array): PyValue {
  if (type === "bool") return b.length > 0 && b[0] !== 0;
  if (type === "nullptr") return "nullptr";
  if (type === "capability") return new TextDecoder().decode(b.subarray(1));
  const signed = SIGNED_TYPES.has(type);
  if (signed || UNSIGNED_TYPES.has(type)) return formatInt(b, signed);
  return hexBytes(b, " ");
}

/** `0x` + zero-padded hex of the big-endian value, plus ` (-n)` for a negative signed one. */
export function formatInt(b: Uint8Array, signed: boolean): string {
  let u = 0n;
  for (const byte of b) u = (u << 8n) | BigInt(byte);
  const hex = `0x${u.toString(16).padStart(b.length * 2, "0")}`;
  if (!signed || b.length === 0 || (b[0]! & 0x80) === 0) return hex;
  const s = u - (1n << BigInt(b.length * 8));
  return `${hex} (${s})`;
}

/** Two lowercase hex digits per byte, joined by `sep`. */
export function hexBytes(b: Uint8Array, sep = ""): string {
  const parts = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) parts[i] = HEX2[b[i]!]!;
  return parts.join(sep);
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
