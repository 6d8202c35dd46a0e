/**
 * What makes a walked section valid beyond its sizes: the checks the walker does not make
 * because a walk needs only the sizes, but a destination would trip over, or a reader would
 * misread (a count field that disagrees with its array shifts every value read by the count).
 * The decoder makes them on every section it walks (so every command refuses what `verify`
 * reports) and `verify` makes them to list every problem; one rule, in one place.
 *
 * - A field's described `size` must be its type's width (`uint32` is 4 bytes); a wrong size
 *   walks "fine" and shifts every later field.
 * - Every element of a struct array must take the described element size (the walker checks
 *   the first element only).
 * - Arrays counted by a field of the same section must have as many elements as the count
 *   field holds (wire-format.md §8.3: arrays have no length prefix; QEMU reads the count from
 *   an earlier field). The pairs we know are listed in {@link COUNTED_ARRAYS}; a vmdesc edited
 *   by hand (or by a tool) that changes one and not the other is the typical mistake.
 * - An old-style section's `size` must be what the walk covered.
 */
import { readBe32 } from "@vmstate/wire";
import { findField, type FieldTree } from "@vmstate/vmsd";
import { SCALAR_KINDS } from "./scalar-kinds.js";

/** What a check found: a stable code, a sentence, and where. */
export type WalkCheckCode = "SIZE_MISMATCH" | "ARRAY_LEN" | "TYPE_SIZE" | "PAGE_SIZE" | "MISSING_SECTION";

/** Receives each problem: `verify` collects them, the decoder throws on the first. */
export type WalkCheckReport = (code: WalkCheckCode, message: string, offset: number, path: string) => void;

/** An array whose element count is held by another field of the same vmsd. */
export interface CountedArray {
  /** vmsd name of the level holding both fields. */
  vmsd: string;
  /** The count field (a be32, signed or not). */
  count: string;
  /** The arrays it counts; `bytes` when the count is in bytes (a VBUFFER). */
  arrays: string[];
  unit: "elements" | "bytes";
}

/** Count/array pairs from `target/arm/machine.c` and `migration/savevm.c`. */
export const COUNTED_ARRAYS: readonly CountedArray[] = [
  { vmsd: "cpu", count: "cpreg_vmstate_array_len", arrays: ["cpreg_vmstate_indexes", "cpreg_vmstate_values"], unit: "elements" },
  { vmsd: "configuration", count: "len", arrays: ["name"], unit: "bytes" },
  { vmsd: "configuration/capabilities", count: "caps_count", arrays: ["capabilities"], unit: "elements" },
];

/** The keys of a device (or configuration) description these checks read. */
export interface DescribedSection {
  vmsd_name?: string;
  /** Old-style sections only: the blob's size. */
  size?: number;
}

/**
 * Checks a walked section (or configuration) against its description.
 * @param bytes the bytes the tree's spans index; `base` their absolute offset.
 */
export function checkWalkedFields(desc: DescribedSection | undefined, tree: FieldTree, bytes: Uint8Array, base: number, path: string, report: WalkCheckReport): void {
  if (desc?.size !== undefined && desc.vmsd_name === undefined && tree.end - tree.start !== desc.size) {
    report("SIZE_MISMATCH", `old-style section described as ${desc.size} bytes, its data take ${tree.end - tree.start}`, base + tree.start, path);
  }
  const vmsd = typeof desc?.vmsd_name === "string" ? desc.vmsd_name : tree.name;
  checkLevel(vmsd, tree, bytes, base, path, report);
}

function checkLevel(vmsd: string, node: FieldTree, bytes: Uint8Array, base: number, path: string, report: WalkCheckReport): void {
  for (const f of node.children ?? []) checkField(f, bytes, base, `${path} / ${f.name}`, report);
  checkCounts(vmsd, node, bytes, base, path, report);
  for (const s of node.subsections ?? []) checkLevel(s.name, s, bytes, base, `${path} / ${s.name}`, report);
}

function checkField(f: FieldTree, bytes: Uint8Array, base: number, path: string, report: WalkCheckReport): void {
  const kind = SCALAR_KINDS[f.type];
  if (kind !== undefined && f.elementSize !== undefined && f.elementSize !== kind.width) {
    report("TYPE_SIZE", `type ${f.type} is ${kind.width} bytes wide, the vmdesc says ${f.elementSize}`, base + f.start, path);
  }
  if (f.type !== "struct" || f.children === undefined) return;
  if (f.arrayLen === undefined) {
    checkLevel(f.name, f, bytes, base, path, report);
    return;
  }
  for (const el of f.children) {
    const elPath = `${path}[${el.index ?? 0}]`;
    if (f.elementSize !== undefined && el.end - el.start !== f.elementSize) {
      report("SIZE_MISMATCH", `struct element takes ${el.end - el.start} bytes, the vmdesc says ${f.elementSize}`, base + el.start, elPath);
    }
    checkLevel(f.name, el, bytes, base, elPath, report);
  }
}

function checkCounts(vmsd: string, node: FieldTree, bytes: Uint8Array, base: number, path: string, report: WalkCheckReport): void {
  for (const pair of COUNTED_ARRAYS) {
    if (pair.vmsd !== vmsd) continue;
    const count = findField(node, pair.count);
    if (count === undefined || count.end - count.start !== 4) continue;
    const n = readBe32(bytes, count.start) | 0;
    for (const name of pair.arrays) {
      const arr = findField(node, name);
      // QEMU describes one element without array_len and none at all without an entry.
      const described = arr === undefined ? 0 : pair.unit === "bytes" ? arr.end - arr.start : arr.arrayLen ?? 1;
      if (described !== n) {
        report(
          "ARRAY_LEN",
          `${pair.count} is ${n} but the vmdesc describes ${described} ${pair.unit} of ${name}`,
          base + (arr?.start ?? count.start),
          `${path} / ${name}`,
        );
      }
    }
  }
}
