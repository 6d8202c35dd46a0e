/**
 * Field-level differences between two copies of a device section: the leaf bytes of each
 * paired field (see `field-pairs.ts`) are compared, and where they differ the values are
 * printed as a person would want them: numbers for the scalar VMStateInfo types
 * (`migration/vmstate-types.c`, the Arm infos of `target/arm/machine.c`), hex for opaque
 * buffers, and the element index for arrays.
 */
import { elementBytes, elementCount, readElement, type FieldTree } from "@vmstate/vmsd";
import { SCALAR_KINDS } from "@vmstate/stream";
import type { LeafPair } from "./field-pairs.js";

/** One differing field, or one differing element of an array field. */
export interface FieldDifference {
  /** Field path; array elements end in `[i]`. */
  path: string;
  /** Element index for array fields. */
  index?: number;
  a: string;
  b: string;
}

/** Most differing elements listed per array field; the rest are counted. */
export const MAX_ELEMENTS_PER_FIELD = 16;

/** Differences between the bytes of paired leaves (which have equal shapes). */
export function leafDifferences(pairs: readonly LeafPair[], bytesA: Uint8Array, bytesB: Uint8Array): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const p of pairs) {
    if (equalBytes(bytesA.subarray(p.a.start, p.a.end), bytesB.subarray(p.b.start, p.b.end))) continue;
    const n = elementCount(p.a);
    if (n === 1) {
      out.push({ path: p.path, ...formatPair(bytesA, p.a, bytesB, p.b, 0) });
      continue;
    }
    let listed = 0;
    let more = 0;
    for (let i = 0; i < n; i++) {
      if (equalBytes(elementBytes(bytesA, p.a, i), elementBytes(bytesB, p.b, i))) continue;
      if (listed++ < MAX_ELEMENTS_PER_FIELD) {
        out.push({ path: `${p.path}[${i}]`, index: i, ...formatPair(bytesA, p.a, bytesB, p.b, i) });
      } else {
        more++;
      }
    }
    if (more > 0) out.push({ path: `${p.path}[…]`, a: `${more} more elements differ`, b: "" });
  }
  return out;
}

/** Element `i` of both leaves; long blobs are shown from their first differing byte. */
function formatPair(bytesA: Uint8Array, a: FieldTree, bytesB: Uint8Array, b: FieldTree, i: number): { a: string; b: string } {
  if (isScalar(a)) return { a: formatElement(bytesA, a, i), b: formatElement(bytesB, b, i) };
  const ea = elementBytes(bytesA, a, i);
  const eb = elementBytes(bytesB, b, i);
  let from = 0;
  while (from < ea.length && ea[from] === eb[from]) from++;
  return { a: formatBlob(ea, from), b: formatBlob(eb, from) };
}

function isScalar(node: FieldTree): boolean {
  const kind = SCALAR_KINDS[node.type];
  return kind !== undefined && (node.elementSize === undefined || node.elementSize === kind.width);
}

/**
 * Element `i` of a leaf as text: unsigned integers as zero-padded hex, signed ones in
 * decimal, booleans as true/false, anything else (buffers, custom infos) as hex bytes.
 */
function formatElement(bytes: Uint8Array, node: FieldTree, i: number): string {
  const kind = SCALAR_KINDS[node.type];
  if (kind !== undefined && isScalar(node)) {
    const v = readElement(bytes, node, i, SCALAR_KINDS);
    if (typeof v === "boolean") return String(v);
    if (kind.signed) return String(v);
    return "0x" + v.toString(16).padStart(kind.width * 2, "0");
  }
  return formatBlob(elementBytes(bytes, node, i));
}

/**
 * Short hex of a byte string: whole when at most 16 bytes, else 16 bytes from `from`
 * (`+from:` prefix) and the total length.
 */
export function formatBlob(b: Uint8Array, from = 0): string {
  const hex = (x: Uint8Array) => Buffer.from(x.buffer, x.byteOffset, x.length).toString("hex");
  if (b.length <= 16) return hex(b);
  const start = Math.min(from, b.length - 16);
  return `+${start}: ${hex(b.subarray(start, start + 16))}… (${b.length} bytes)`;
}

/** The numeric value of a single-element integer leaf, or undefined for other types. */
export function integerValue(bytes: Uint8Array, node: FieldTree): bigint | undefined {
  const kind = SCALAR_KINDS[node.type];
  if (kind === undefined || kind.bool || elementCount(node) !== 1) return undefined;
  if (node.elementSize !== undefined && node.elementSize !== kind.width) return undefined;
  const v = readElement(bytes, node, 0, SCALAR_KINDS);
  return typeof v === "boolean" ? undefined : BigInt(v);
}

/** Byte-wise equality of two views (Buffer.compare would need Buffer views of each). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
